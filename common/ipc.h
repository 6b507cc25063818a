/*
 * common/ipc.h: the contract between the monitor (rampartd) and a worker
 * (rampart-worker). This header is the trust boundary: every message that
 * crosses it, its fields, who sends it and when it is allowed are here.
 *
 * Transport: a SOCK_SEQPACKET socketpair, one message per datagram, file
 * descriptors attached as SCM_RIGHTS. Each message is
 *
 *     uint16 type || uint32 request id || payload
 *
 * built and parsed with CBS/CBB like an SSH packet; strings are SSH strings
 * (uint32 length || bytes). A request from the worker carries a fresh id and
 * is answered by exactly one reply with the same id. Messages the monitor
 * sends on its own (HELLO, SESSION_EXITED) carry id 0.
 *
 * The monitor trusts nothing a worker sends: every message is bounded
 * (RP_IPC_MAX_MSG), parsed exactly (trailing bytes are an error), checked
 * against the connection's state (the table in monitor/ipc_dispatch.c), and
 * a malformed or out-of-order message ends the connection.
 *
 * Worker file descriptors at exec: RP_WORKER_FD_CLIENT is the TCP connection,
 * RP_WORKER_FD_IPC the worker's end of the socketpair; 0 and 1 are /dev/null,
 * 2 is the monitor's stderr in debug mode and /dev/null otherwise.
 * RP_WORKER_FD_EXE is the program file itself (an O_PATH descriptor the
 * monitor opened at startup and executes through /proc/self/fd, so that an
 * upgrade that replaces the file on disk cannot pair a running monitor with
 * a worker of another version); the worker closes it first thing.
 */
#ifndef RAMPART_COMMON_IPC_H
#define RAMPART_COMMON_IPC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/bytes.h"

#define RP_WORKER_FD_CLIENT 3
#define RP_WORKER_FD_IPC 4
#define RP_WORKER_FD_EXE 5

#define RP_IPC_HEADER_LEN 6
/* Largest message either side accepts: a KEX_SIGN carries both KEXINITs. */
#define RP_IPC_MAX_MSG (128 * 1024)
/* SESSION_STARTED: three pipes, a recording, an agent socket and two X11
 * display sockets. */
#define RP_IPC_MAX_FDS 7

/* Field bounds, checked by the decoders. */
/* User, algorithm and service names: a buffer size, so names of up to 64
 * bytes (RFC 4251 section 6 allows 64 for algorithm names). */
#define RP_IPC_MAX_NAME 65
#define RP_IPC_MAX_VERSION 255      /* SSH identification string, RFC 4253 4.2 */
#define RP_IPC_MAX_KEXINIT 32768    /* one KEXINIT payload */
#define RP_IPC_MAX_KEX_VALUE 2048   /* ephemeral public values, shared secret */
#define RP_IPC_MAX_KEY_BLOB 16384   /* public key blob */
#define RP_IPC_MAX_SIG_BLOB 16384   /* signature blob */
#define RP_IPC_MAX_COMMAND 65536    /* exec command line */
#define RP_IPC_MAX_LOG 1024         /* one log message */
#define RP_IPC_MAX_ALGLIST 2048     /* an algorithm name-list */
#define RP_IPC_MAX_STATUS_CHANNELS 16
#define RP_IPC_MAX_SECRET 1024      /* a password or a prompt's answer */
#define RP_IPC_MAX_PROMPTS 8        /* prompts in one keyboard-interactive round */
#define RP_IPC_MAX_BANNER 16384     /* a banner */
#define RP_IPC_MAX_TARGET 256       /* a channel's target in STATUS */
#define RP_IPC_MAX_CHANNELS 256     /* max-channels */
#define RP_IPC_MAX_HOST 255         /* a forwarding target's host name */
#define RP_IPC_MAX_TERM 64          /* TERM of a pty-req */
#define RP_IPC_MAX_MODES 1024       /* encoded terminal modes of a pty-req */
#define RP_IPC_MAX_ENV 64           /* environment variables of one session */
#define RP_IPC_MAX_ENV_NAME 128     /* an environment variable's name */
#define RP_IPC_MAX_ENV_VALUE 4096   /* and its value */
#define RP_IPC_MAX_X11_PROTO 64     /* an x11-req's authentication protocol */
#define RP_IPC_MAX_X11_COOKIE 256   /* and its cookie, in hex digits */
#define RP_IPC_MAX_X11_SCREEN 65535 /* and its screen number */

enum rp_ipc_type {
	/*
	 * monitor -> worker, id 0, sent once right after the worker starts.
	 *   uint32  connection id (for log lines)
	 *   string  server identification string without CR LF
	 *   string  host key algorithms offered, name-list
	 *   uint32  number of host keys n (1..8), then n x string public key blob
	 *   string  kex algorithms, name-list
	 *   string  ciphers, name-list
	 *   string  MACs, name-list
	 *   string  compression methods, name-list
	 *   string  auth methods offered to clients, name-list
	 *   string  public key algorithms accepted for user authentication
	 *           (advertised in server-sig-algs), name-list
	 *   uint32  idle timeout in seconds (0: none)
	 *   uint32  keep-alive interval in seconds (0: none)
	 *   uint32  keep-alive count: unanswered probes before giving up
	 *   uint64  re-exchange keys after this many bytes (0: the
	 *           transport's default)
	 *   uint32  re-exchange keys after this many seconds (0: never by
	 *           time)
	 *   string  banner shown to every client before authentication
	 *           (SSH_MSG_USERAUTH_BANNER), empty for none
	 *   uint32  channels open at once at most (1..256, max-channels)
	 */
	RP_IPC_HELLO = 1,

	/*
	 * worker -> monitor: sign a key exchange. The monitor computes the
	 * exchange hash itself from these parts and its own host key blob, so
	 * it signs exchange hashes and nothing else; the first hash it signs is
	 * the session identifier it keeps for userauth. Allowed in any state.
	 *   string  kex method name
	 *   string  host key algorithm
	 *   string  V_C, client identification without CR LF
	 *   string  V_S, server identification without CR LF
	 *   string  I_C, payload of the client's KEXINIT
	 *   string  I_S, payload of the server's KEXINIT
	 *   string  Q_C, client ephemeral public value
	 *   string  Q_S, server ephemeral public value
	 *   string  K, shared secret (for curve25519: the raw 32 bytes)
	 *   uint32  group exchange: the client's min, n and max bits, and
	 *   uint32  the group's prime p and generator g, which must be the
	 *   uint32  group the monitor last gave this connection in GEX_GROUP
	 *   string  (every other method: four zeros and two empty strings)
	 *   string
	 * reply KEX_SIGNED:
	 *   string  signature blob
	 */
	RP_IPC_KEX_SIGN = 10,
	RP_IPC_KEX_SIGNED = 11,

	/*
	 * worker -> monitor: would this key be accepted for this user?
	 * (publickey without signature, RFC 4252 7). After the first key
	 * exchange, before authentication.
	 *   string  user
	 *   string  public key algorithm
	 *   string  public key blob
	 * reply AUTH_RESULT.
	 */
	RP_IPC_AUTH_PUBKEY_CHECK = 20,

	/*
	 * worker -> monitor: authenticate with this signature. The monitor
	 * builds the signed data (RFC 4252 7) from its recorded session
	 * identifier and these fields and verifies the signature itself.
	 *   string  user
	 *   string  service (must be "ssh-connection")
	 *   string  public key algorithm
	 *   string  public key blob
	 *   string  signature blob
	 * reply AUTH_RESULT.
	 */
	RP_IPC_AUTH_PUBKEY_VERIFY = 21,

	/*
	 * monitor -> worker, reply to the authentication requests.
	 *   byte    RP_AUTH_* result
	 *   string  auth methods that can continue, name-list (FAILURE,
	 *           PARTIAL)
	 *   string  banner to send before USERAUTH_SUCCESS (OK), or empty
	 */
	RP_IPC_AUTH_RESULT = 22,

	/*
	 * worker -> monitor: the "none" method (RFC 4252 5.2). It succeeds
	 * only where the policy grants `auth none`. Before authentication.
	 *   string  user
	 * reply AUTH_RESULT.
	 */
	RP_IPC_AUTH_NONE = 23,

	/*
	 * worker -> monitor: the "password" method (RFC 4252 8). The monitor
	 * checks it off its event loop and replies when done. Password change
	 * requests never reach it (the worker refuses them).
	 *   string  user
	 *   string  password (at most RP_IPC_MAX_SECRET bytes; wiped after use)
	 * reply AUTH_RESULT.
	 */
	RP_IPC_AUTH_PASSWORD = 24,

	/*
	 * worker -> monitor: start "keyboard-interactive" (RFC 4256).
	 *   string  user
	 *   string  submethods (ignored: the policy decides the prompts)
	 * reply KBDINT_PROMPTS, or AUTH_RESULT when the user cannot use it.
	 */
	RP_IPC_AUTH_KBDINT = 25,

	/*
	 * monitor -> worker, reply to AUTH_KBDINT or AUTH_KBDINT_ANSWERS: what
	 * to ask in SSH_MSG_USERAUTH_INFO_REQUEST.
	 *   string  name
	 *   string  instruction
	 *   uint32  number of prompts n (1..RP_IPC_MAX_PROMPTS)
	 *   n x (string prompt, bool echo)
	 */
	RP_IPC_KBDINT_PROMPTS = 26,

	/*
	 * worker -> monitor: the client's SSH_MSG_USERAUTH_INFO_RESPONSE. Only
	 * after KBDINT_PROMPTS, with as many answers as prompts.
	 *   uint32  number of answers n
	 *   n x string answer (each at most RP_IPC_MAX_SECRET; wiped after use)
	 * reply AUTH_RESULT or KBDINT_PROMPTS.
	 */
	RP_IPC_AUTH_KBDINT_ANSWERS = 27,

	/*
	 * worker -> monitor: start a session for the authenticated user: a
	 * shell, a command or a subsystem (RFC 4254 6.5), with what the client
	 * asked for before it on the same channel. After authentication only.
	 * The monitor decides everything again here (the pty, each variable):
	 * earlier SESSION_CHECK answers only told the worker what to reply.
	 *   uint32  session number (the worker's, unique per connection)
	 *   byte    RP_SESSION_* kind
	 *   string  exec: the command; subsystem: its name; shell: empty
	 *   bool    with a pty; then:
	 *             string  TERM (at most RP_IPC_MAX_TERM bytes)
	 *             uint32  columns, uint32 rows, uint32 width px,
	 *             uint32  height px
	 *             string  encoded terminal modes (RFC 4254 8), at most
	 *                     RP_IPC_MAX_MODES bytes
	 *   uint32  number of environment variables n (at most RP_IPC_MAX_ENV),
	 *           then n x (string name, string value)
	 *   bool    agent forwarding asked for (auth-agent-req@openssh.com)
	 *   bool    X11 forwarding asked for (x11-req, RFC 4254 6.3.1); then:
	 *             bool    single connection
	 *             string  authentication protocol, e.g. MIT-MAGIC-COOKIE-1
	 *                     (rp_ipc_valid_x11_proto)
	 *             string  authentication cookie in hexadecimal
	 *                     (rp_ipc_valid_x11_cookie)
	 *             uint32  screen number (at most RP_IPC_MAX_X11_SCREEN)
	 * reply SESSION_STARTED or DENIED.
	 */
	RP_IPC_SESSION_START = 30,
	/*
	 * monitor -> worker, the reply to SESSION_START.
	 *   bool    pty: two descriptors follow, both the pty master (one to
	 *           read, one to write); otherwise three: the write end of the
	 *           process's stdin, the read ends of its stdout and stderr
	 *   byte    RP_RECORD_* recording mode; when not none, one more
	 *           descriptor: the recording file, open for appending, its
	 *           asciicast header already written
	 *   bool    agent: one more descriptor: the listening socket of the
	 *           session's SSH_AUTH_SOCK (agent forwarding)
	 *   byte    X11 display sockets n (0..2), last: the listening sockets
	 *           of the session's X11 display (127.0.0.1 and ::1); when n
	 *           is not 0:
	 *             uint32  the display number
	 */
	RP_IPC_SESSION_STARTED = 31,

	/*
	 * monitor -> worker, id 0: a session's process ended.
	 *   uint32  session number
	 *   bool    killed by a signal
	 *   uint32  exit status (when not signalled)
	 *   string  signal name without "SIG" (when signalled), e.g. "TERM"
	 *   bool    core dumped
	 */
	RP_IPC_SESSION_EXITED = 32,

	/*
	 * worker -> monitor: would the policy allow this channel request now?
	 * For the reply to pty-req, env, auth-agent-req and x11-req (the
	 * decision itself is taken again at SESSION_START). After
	 * authentication only.
	 *   byte    RP_CHECK_* what
	 *   string  env: the variable name; streamlocal: the socket path (1..
 *           RP_IPC_MAX_ENV_NAME bytes, no NUL); otherwise empty
	 * reply SESSION_OK or DENIED.
	 */
	RP_IPC_SESSION_CHECK = 33,
	RP_IPC_SESSION_OK = 34,

	/*
	 * worker -> monitor: act on a running session's process or pty (RFC
	 * 4254 6.7, 6.9, 6.10 of the same session). The monitor acts only on
	 * sessions it started for this connection, and replies SESSION_OK once
	 * it has (also when the session is gone): the worker waits for it, so
	 * that a resize takes effect before the keystrokes that follow it
	 * reach the pty.
	 *   uint32  session number
	 *   byte    RP_CONTROL_* operation, then:
	 *             RESIZE: uint32 columns, rows, width px, height px
	 *             SIGNAL: string signal name without "SIG"
	 *             BREAK:  uint32 milliseconds
	 */
	RP_IPC_SESSION_CONTROL = 35,

	/*
	 * worker -> monitor: connect to a forwarding target for a
	 * direct-tcpip channel (RFC 4254 7.2). After authentication only. The
	 * monitor resolves the name, asks the policy about the name and every
	 * address, and connects, all off its event loop; the reply comes when
	 * that is done (seconds later at worst, connect-timeout), so the worker
	 * goes on serving its other channels meanwhile.
	 *   string  host as the client sent it (1..RP_IPC_MAX_HOST bytes)
	 *   uint32  port
	 *   string  originator address, uint32 originator port (for the log)
	 * reply FORWARD_OPENED with two descriptors attached, both the
	 * connected socket (one to read, one to write), and
	 *   string  the address connected to, for the worker's log
	 * or FORWARD_FAILED:
	 *   uint32  SSH_OPEN_* reason code for the client
	 *   string  description
	 */
	RP_IPC_FORWARD_OPEN = 36,
	RP_IPC_FORWARD_OPENED = 37,
	RP_IPC_FORWARD_FAILED = 38,

	/*
	 * worker -> monitor: listen for a tcpip-forward (RFC 4254 7.1, ssh
	 * -R). After authentication only. The monitor asks the key's options
	 * and the policy, binds (as root where it runs as root: the policy,
	 * not the worker, decides which ports) and hands the listening
	 * sockets over; the worker accepts on them.
	 *   string  bind address as the client sent it ("", "localhost", "*",
	 *           or a numeric address; at most RP_IPC_MAX_HOST bytes)
	 *   uint32  port (0: the monitor chooses)
	 * reply LISTEN_OPENED with 1 or 2 listening sockets attached
	 * (non-blocking; two for "localhost": IPv4 and IPv6):
	 *   uint32  the port bound (the chosen one when 0 was asked)
	 * or DENIED.
	 */
	RP_IPC_LISTEN_OPEN = 41,
	RP_IPC_LISTEN_OPENED = 42,
	/*
	 * worker -> monitor, no reply: a listener of LISTEN_OPEN was closed
	 * (cancel-tcpip-forward), for the audit log and the per-connection
	 * count.
	 *   string  bind address, uint32 port (as LISTEN_OPENED answered)
	 */
	RP_IPC_LISTEN_CLOSE = 43,
	/*
	 * worker -> monitor, no reply: a listener accepted a connection and
	 * the worker offered it to the client as a forwarded-tcpip channel.
	 * For the audit log (shares the budget of LOG and STATUS; reported by
	 * the worker, and recorded as such).
	 *   string  bind address, uint32 port
	 *   string  originator address, uint32 originator port
	 */
	RP_IPC_LISTEN_ACCEPTED = 44,

	/*
	 * worker -> monitor: prove possession of host keys (OpenSSH's
	 * hostkeys-prove-00@openssh.com, PROTOCOL 2.5), after authentication.
	 *   uint32  number of keys n (1..RP_IPC_MAX_HOSTKEYS)
	 *   n x string  public key blob, each one of the monitor's host keys
	 * reply HOSTKEYS_PROVED, the same layout with a signature blob for each
	 * key, in order, over (string "hostkeys-prove-00@openssh.com", string
	 * session identifier, string key blob) made with the identifier the
	 * monitor recorded; or DENIED when a blob is not a host key of ours.
	 */
	RP_IPC_HOSTKEYS_PROVE = 45,
	RP_IPC_HOSTKEYS_PROVED = 46,

	/*
	 * worker -> monitor: a group for diffie-hellman-group-exchange (RFC
	 * 4419 3), which the client asked for with min <= n <= max bits (max
	 * at least 2048). The monitor picks from its moduli file and records
	 * the choice; the next KEX_SIGN must name it.
	 *   uint32  min
	 *   uint32  n
	 *   uint32  max
	 * reply GEX_GROUP:
	 *   string  prime p, unsigned big-endian, no leading zero byte
	 *   string  generator g, the same
	 * or DENIED when no group lies within [min, max].
	 */
	RP_IPC_GEX_REQUEST = 47,
	RP_IPC_GEX_GROUP = 48,

	/*
	 * monitor -> worker: the request was valid but the policy says no.
	 *   string  reason, for the worker's log
	 */
	RP_IPC_DENIED = 40,

	/*
	 * worker -> monitor, no reply: a log line. The monitor adds time,
	 * connection id and escapes the text.
	 *   byte    level (common/log.h)
	 *   string  text
	 */
	RP_IPC_LOG = 50,

	/*
	 * worker -> monitor, no reply: the connection is ending and why.
	 *   uint32  SSH disconnect reason code (RFC 4253 11.1), 0 when the
	 *           peer simply closed the connection
	 *   bool    1 when the peer sent the disconnect or closed, 0 when
	 *           the worker ended it
	 *   string  description
	 */
	RP_IPC_CLOSING = 51,

	/*
	 * worker -> monitor, no reply: a key exchange completed (for the
	 * audit log). The monitor signed it, so it knows the kex method and
	 * host key algorithm; these are the rest, as the worker negotiated.
	 *   string  cipher client to server, string cipher server to client
	 *   string  MAC client to server, string MAC server to client (empty
	 *           for AEAD ciphers)
	 *   string  compression client to server, server to client
	 */
	RP_IPC_KEX_DONE = 52,

	/*
	 * worker -> monitor, no reply: how the connection is doing, for
	 * `rampartctl connections`; sent when channels change and at most
	 * once a second while bytes flow. Reported by the worker, and shown
	 * as such.
	 *   uint64  bytes received from the client, uint64 bytes sent to it
	 *   uint32  seconds since the last channel activity
	 *   uint32  number of channels n (at most RP_IPC_MAX_STATUS_CHANNELS),
	 *           then n x (uint32 channel id, string type, string target
	 *           (the command, or empty), uint64 bytes in, uint64 bytes out)
	 */
	RP_IPC_STATUS = 53,

	/*
	 * monitor -> worker, id 0: end the connection now, sending the client
	 * SSH_MSG_DISCONNECT with this reason and message (rampartctl
	 * disconnect, shutdown, a reload that revokes access, login grace
	 * time). A worker that does not comply is killed.
	 *   uint32  SSH disconnect reason code
	 *   string  message for the client
	 */
	RP_IPC_DISCONNECT = 60,

	/*
	 * monitor -> worker, id 0: start a key re-exchange (rampartctl rekey).
	 * No payload.
	 */
	RP_IPC_REKEY = 61,
};

/* What a session runs (SESSION_START). */
enum rp_session_kind {
	RP_SESSION_SHELL = 0,
	RP_SESSION_EXEC = 1,
	RP_SESSION_SUBSYSTEM = 2,
};

/* What SESSION_CHECK asks about. */
enum rp_session_check {
	RP_CHECK_PTY = 1,
	RP_CHECK_ENV = 2,
	RP_CHECK_AGENT = 3,
	RP_CHECK_X11 = 4,
	/* Unix-domain socket forwarding (OpenSSH's PROTOCOL 2.4): a
	 * direct-streamlocal@openssh.com channel, a
	 * streamlocal-forward@openssh.com listener. The name is the socket
	 * path. */
	RP_CHECK_STREAMLOCAL = 5,
	RP_CHECK_STREAMLOCAL_LISTEN = 6,
};

/* SESSION_CONTROL operations. */
enum rp_session_control {
	RP_CONTROL_RESIZE = 1,
	RP_CONTROL_SIGNAL = 2,
	RP_CONTROL_BREAK = 3,
};

/* Recording modes in SESSION_STARTED. */
enum rp_ipc_record {
	RP_IPC_RECORD_NONE = 0,
	RP_IPC_RECORD_OUTPUT = 1, /* output and resizes */
	RP_IPC_RECORD_INPUT = 2,  /* and the user's input */
};

enum rp_auth_result {
	RP_AUTH_FAILURE = 0,   /* no; the user may try again */
	RP_AUTH_OK = 1,        /* CHECK: key acceptable; otherwise: authenticated */
	RP_AUTH_EXHAUSTED = 2, /* no, and too many failures: disconnect */
	RP_AUTH_PARTIAL = 3,   /* this step passed; the methods list says what
	                        * must follow (RFC 4252 5.1 partial success) */
};

/* A received message. payload points into buf. */
struct rp_ipc_msg {
	uint16_t type;
	uint32_t id;
	CBS payload;
	int fds[RP_IPC_MAX_FDS];
	size_t nfds;
	size_t len;
	uint8_t buf[RP_IPC_MAX_MSG];
};

/* Start a message: header written into a fresh CBB (*cbb is initialised). */
int rp_ipc_begin(CBB *cbb, uint16_t type, uint32_t id);
/* Finish *cbb and send it with nfds descriptors as one datagram, without
 * blocking (MSG_DONTWAIT) when nonblock is set. Always cleans up *cbb.
 * Returns 1, or 0 with errno set (EMSGSIZE when over RP_IPC_MAX_MSG). */
int rp_ipc_send(int fd, CBB *cbb, const int *fds, size_t nfds, int nonblock);
/* Receive one datagram. Returns 1 with *msg filled, 0 on end of file, -1 on
 * a system error (errno), -2 when the datagram is malformed: truncated,
 * shorter than a header, or carrying more descriptors than RP_IPC_MAX_FDS
 * (any descriptors received are closed before returning -2). */
int rp_ipc_recv(int fd, struct rp_ipc_msg *msg, int nonblock);
/* Close every descriptor still attached to msg. */
void rp_ipc_close_fds(struct rp_ipc_msg *msg);
const char *rp_ipc_type_name(uint16_t type);

#endif
