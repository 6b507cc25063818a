/*
 * monitor/pty_modes.c: the terminal modes of a pty-req (RFC 4254 section 8,
 * and RFC 8160 for IUTF8) applied to a struct termios.
 *
 * The encoding is a sequence of (opcode byte, uint32 argument) pairs ended
 * by TTY_OP_END (0). Opcodes 160 to 255 have no defined argument, so the
 * first one ends parsing (RFC 4254 8: "parsing stops"). Opcodes this
 * system does not have (VDSUSP, VSTATUS, ...) are skipped: a client sends
 * what its own system has.
 *
 * Also the terminal's size (pty-req, window-change): the wire's uint32
 * fields clamped to what struct winsize holds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "crypto/bytes.h"
#include "monitor/monitor.h"

enum { FLAG_I, FLAG_L, FLAG_O, FLAG_C };

/* Control characters: opcode -> c_cc index. */
static const struct {
	uint8_t op;
	int index;
} chars[] = {
	{ 1, VINTR }, { 2, VQUIT }, { 3, VERASE }, { 4, VKILL }, { 5, VEOF }, { 6, VEOL },
	{ 7, VEOL2 }, { 8, VSTART }, { 9, VSTOP }, { 10, VSUSP }, { 12, VREPRINT },
	{ 13, VWERASE }, { 14, VLNEXT }, { 18, VDISCARD },
};

/* Flags: opcode -> which flag word and bit. */
static const struct {
	uint8_t op;
	uint8_t word;
	tcflag_t bit;
} flags[] = {
	{ 30, FLAG_I, IGNPAR }, { 31, FLAG_I, PARMRK }, { 32, FLAG_I, INPCK },
	{ 33, FLAG_I, ISTRIP }, { 34, FLAG_I, INLCR }, { 35, FLAG_I, IGNCR },
	{ 36, FLAG_I, ICRNL }, { 37, FLAG_I, IUCLC }, { 38, FLAG_I, IXON },
	{ 39, FLAG_I, IXANY }, { 40, FLAG_I, IXOFF }, { 41, FLAG_I, IMAXBEL },
	{ 42, FLAG_I, IUTF8 },
	{ 50, FLAG_L, ISIG }, { 51, FLAG_L, ICANON }, { 52, FLAG_L, XCASE },
	{ 53, FLAG_L, ECHO }, { 54, FLAG_L, ECHOE }, { 55, FLAG_L, ECHOK },
	{ 56, FLAG_L, ECHONL }, { 57, FLAG_L, NOFLSH }, { 58, FLAG_L, TOSTOP },
	{ 59, FLAG_L, IEXTEN }, { 60, FLAG_L, ECHOCTL }, { 61, FLAG_L, ECHOKE },
	{ 62, FLAG_L, PENDIN },
	{ 70, FLAG_O, OPOST }, { 71, FLAG_O, OLCUC }, { 72, FLAG_O, ONLCR },
	{ 73, FLAG_O, OCRNL }, { 74, FLAG_O, ONOCR }, { 75, FLAG_O, ONLRET },
	{ 92, FLAG_C, PARENB }, { 93, FLAG_C, PARODD },
};

/* Baud rates the termios interface knows, for TTY_OP_ISPEED/OSPEED. */
static const struct {
	uint32_t baud;
	speed_t speed;
} speeds[] = {
	{ 0, B0 }, { 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 }, { 150, B150 },
	{ 200, B200 }, { 300, B300 }, { 600, B600 }, { 1200, B1200 }, { 1800, B1800 },
	{ 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 }, { 19200, B19200 },
	{ 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
	{ 460800, B460800 }, { 921600, B921600 },
};

#define TTY_OP_END 0
#define TTY_OP_CS7 90
#define TTY_OP_CS8 91
#define TTY_OP_ISPEED 128
#define TTY_OP_OSPEED 129
#define TTY_OP_FIRST_UNDEFINED 160

static tcflag_t *
flag_word(struct termios *tio, uint8_t word)
{
	switch (word) {
	case FLAG_I:
		return &tio->c_iflag;
	case FLAG_L:
		return &tio->c_lflag;
	case FLAG_O:
		return &tio->c_oflag;
	default:
		return &tio->c_cflag;
	}
}

static int
set_speed(struct termios *tio, uint8_t op, uint32_t baud)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++) {
		if (speeds[i].baud == baud)
			return op == TTY_OP_ISPEED ? cfsetispeed(tio, speeds[i].speed) == 0 :
			    cfsetospeed(tio, speeds[i].speed) == 0;
	}
	return 0;
}

static int
apply_one(struct termios *tio, uint8_t op, uint32_t arg)
{
	for (size_t i = 0; i < sizeof(chars) / sizeof(chars[0]); i++) {
		if (chars[i].op == op) {
			/* 255 means "disabled" on the wire; Linux disables a
			 * character with _POSIX_VDISABLE (0). */
			tio->c_cc[chars[i].index] = arg == 255 ? _POSIX_VDISABLE : (cc_t)arg;
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (flags[i].op == op) {
			tcflag_t *w = flag_word(tio, flags[i].word);

			*w = arg != 0 ? (*w | flags[i].bit) : (*w & ~flags[i].bit);
			return 1;
		}
	}
	if (op == TTY_OP_CS7 || op == TTY_OP_CS8) {
		if (arg != 0) {
			tio->c_cflag &= ~(tcflag_t)CSIZE;
			tio->c_cflag |= op == TTY_OP_CS7 ? CS7 : CS8;
		}
		return 1;
	}
	if (op == TTY_OP_ISPEED || op == TTY_OP_OSPEED)
		return set_speed(tio, op, arg);
	return 0;
}

int
pty_modes_apply(const uint8_t *modes, size_t len, struct termios *tio)
{
	CBS cbs;
	int applied = 0;

	CBS_init(&cbs, modes, len);
	while (CBS_len(&cbs) > 0) {
		uint8_t op;
		uint32_t arg;

		if (!CBS_get_u8(&cbs, &op))
			return -1;
		if (op == TTY_OP_END || op >= TTY_OP_FIRST_UNDEFINED)
			break;
		if (!CBS_get_u32(&cbs, &arg))
			return -1;
		applied += apply_one(tio, op, arg);
	}
	return applied;
}

/* A wire size field as struct winsize holds it. */
static unsigned short
size_field(uint32_t v)
{
	return (unsigned short)(v > 0xffff ? 0xffff : v);
}

int
pty_set_size(int master, uint32_t cols, uint32_t rows, uint32_t width_px, uint32_t height_px)
{
	struct winsize ws;

	memset(&ws, 0, sizeof(ws));
	ws.ws_col = size_field(cols);
	ws.ws_row = size_field(rows);
	ws.ws_xpixel = size_field(width_px);
	ws.ws_ypixel = size_field(height_px);
	return ioctl(master, TIOCSWINSZ, &ws) == 0;
}
