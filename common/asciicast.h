/*
 * common/asciicast.h: encoding session recordings as asciicast v2
 * (https://docs.asciinema.org/manual/asciicast/v2/), the format asciinema
 * plays back. A recording is a header object on the first line, then one
 * event per line:
 *
 *     {"version":2,"width":80,"height":24,"timestamp":1700000000,"env":{...}}
 *     [0.250000, "o", "$ ls\r\n"]
 *     [1.003000, "i", "q"]
 *     [2.500000, "r", "100x40"]
 *
 * The monitor creates the file and writes the header; the sandboxed worker
 * appends events to the descriptor it was handed. Both use this encoder; it
 * only builds bytes (into a CBB) and never touches a file.
 *
 * Event data is a JSON string of valid UTF-8 whatever the pty produced:
 * valid UTF-8 is kept as is, each maximal ill-formed subpart (Unicode 15,
 * section 3.9: overlongs, surrogates, > U+10FFFF, stray continuation bytes,
 * truncated sequences) becomes one U+FFFD, '"' and '\' are escaped, control
 * characters become \b \t \n \f \r or \u00XX, and DEL becomes \u007f.
 * Output arrives in arbitrary chunks, so a UTF-8 sequence cut at the end of
 * a chunk is carried in the encoder and completed by the next chunk (input
 * keystrokes have their own carry); rp_asciicast_finish() writes a tail
 * that never got completed as U+FFFD.
 *
 * Every function returns 1 on success and 0 when out could not take the
 * bytes; on failure nothing was appended and the encoder's state is as
 * before the call (out itself is then failed: CBB errors are sticky).
 */
#ifndef RAMPART_COMMON_ASCIICAST_H
#define RAMPART_COMMON_ASCIICAST_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/bytes.h"

/*
 * Room an event for len data bytes may take in out, line and newline
 * included: at most 6 bytes per data byte (a control character as \u00XX),
 * plus the time, code, quotes and a carried sequence (at most 39 bytes).
 * rp_asciicast_output() and rp_asciicast_input() reserve this much in out
 * before encoding, so a CBB_init_fixed() buffer must have at least this
 * much room left even when the line turns out shorter (a 32 KiB pty read
 * needs 196,672 bytes). A growable CBB grows to it without allocating per
 * byte. Larger lengths than (SIZE_MAX - 64) / 6 fail.
 */
#define RP_ASCIICAST_EVENT_MAX(len) ((size_t)(len) * 6 + 64)
/* Room a resize line needs ("[T, "r", "4294967295x4294967295"]\n"). */
#define RP_ASCIICAST_RESIZE_MAX 64
/* Room rp_asciicast_finish() needs: up to one line for output, one for input. */
#define RP_ASCIICAST_FINISH_MAX 128

struct rp_asciicast {
	/* Monotonic clock, in milliseconds, when the recording started: event
	 * times are relative to it. */
	uint64_t start_ms;
	/* The start of a UTF-8 sequence that the last output chunk ended in
	 * (at most 3 bytes, each within the ranges of Unicode table 3-7),
	 * waiting for the rest of it in the next chunk. */
	uint8_t pending[4];
	size_t npending;
	/* The same for input. */
	uint8_t pending_in[4];
	size_t npending_in;
};

void rp_asciicast_init(struct rp_asciicast *a, uint64_t start_ms);

/*
 * The header line, with its trailing '\n', appended to out:
 * {"version":2,"width":W,"height":H,"timestamp":T,"env":{"TERM":..,
 * "SHELL":..},"title":..}. term, shell and title may be NULL, and are then
 * left out (and "env" too when both are NULL); timestamp is in Unix
 * seconds. Strings are escaped by common/json.c's rules (the same
 * substitutions as event data; control characters always as \u00XX).
 * Allocates a small temporary buffer (the monitor writes headers).
 */
int rp_asciicast_header(CBB *out, unsigned width, unsigned height, int64_t timestamp,
    const char *term, const char *shell, const char *title);

/*
 * An "o" (pty output) or "i" (keyboard input) event for len bytes read at
 * monotonic time now_ms, appended to out as one line with its '\n'. The
 * time is (now_ms - start_ms) / 1000 with six decimals, 0.000000 when now_ms
 * is before the start. When nothing is left to write (len is 0, or every
 * byte completed no sequence yet and is carried), nothing is appended and 1
 * is returned. Needs RP_ASCIICAST_EVENT_MAX(len) bytes of room in out; does
 * not allocate unless out is a growable CBB that must grow.
 */
int rp_asciicast_output(struct rp_asciicast *a, uint64_t now_ms, const uint8_t *data, size_t len,
    CBB *out);
int rp_asciicast_input(struct rp_asciicast *a, uint64_t now_ms, const uint8_t *data, size_t len,
    CBB *out);

/* An "r" event: the terminal is now cols x rows ("COLSxROWS"). */
int rp_asciicast_resize(struct rp_asciicast *a, uint64_t now_ms, unsigned cols, unsigned rows,
    CBB *out);

/*
 * At the end of the recording: an output sequence and an input sequence
 * still waiting for their rest are each written as one U+FFFD event (output
 * first); nothing is appended when neither is. Needs RP_ASCIICAST_FINISH_MAX
 * bytes of room.
 */
int rp_asciicast_finish(struct rp_asciicast *a, uint64_t now_ms, CBB *out);

#endif
