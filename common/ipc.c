/*
 * common/ipc.c: framing of IPC messages over a SOCK_SEQPACKET socket, with
 * file descriptors passed as SCM_RIGHTS. Message contents: common/ipc_msg.c.
 */
#include "common/ipc.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
rp_ipc_begin(CBB *cbb, uint16_t type, uint32_t id)
{
	if (!CBB_init(cbb, 256))
		return 0;
	if (!CBB_add_u16(cbb, type) || !CBB_add_u32(cbb, id)) {
		CBB_cleanup(cbb);
		return 0;
	}
	return 1;
}

int
rp_ipc_send(int fd, CBB *cbb, const int *fds, size_t nfds, int nonblock)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * RP_IPC_MAX_FDS)];
	} control;
	struct msghdr mh;
	struct iovec iov;
	uint8_t *data;
	size_t len;
	ssize_t n;
	int saved;

	if (!CBB_finish(cbb, &data, &len)) {
		CBB_cleanup(cbb);
		errno = ENOMEM;
		return 0;
	}
	if (len > RP_IPC_MAX_MSG || nfds > RP_IPC_MAX_FDS) {
		OPENSSL_free(data);
		errno = EMSGSIZE;
		return 0;
	}
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = data;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		struct cmsghdr *cm;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL | (nonblock ? MSG_DONTWAIT : 0));
	} while (n < 0 && errno == EINTR);
	saved = errno;
	OPENSSL_free(data);
	errno = saved;
	if (n < 0)
		return 0;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return 0;
	}
	return 1;
}

void
rp_ipc_close_fds(struct rp_ipc_msg *msg)
{
	for (size_t i = 0; i < msg->nfds; i++)
		if (msg->fds[i] >= 0)
			close(msg->fds[i]);
	msg->nfds = 0;
}

/* Take descriptors out of the control data. Returns 0 when there were more
 * than RP_IPC_MAX_FDS or anything other than SCM_RIGHTS; every descriptor
 * found is kept in msg (so the caller can close them) up to the limit and
 * closed here beyond it. */
static int
collect_fds(struct msghdr *mh, struct rp_ipc_msg *msg)
{
	int ok = 1;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		size_t n;
		int fds[64];

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
			ok = 0;
			continue;
		}
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (n > sizeof(fds) / sizeof(fds[0]))
			n = sizeof(fds) / sizeof(fds[0]);
		memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
		for (size_t i = 0; i < n; i++) {
			if (msg->nfds < RP_IPC_MAX_FDS) {
				msg->fds[msg->nfds++] = fds[i];
			} else {
				close(fds[i]);
				ok = 0;
			}
		}
	}
	return ok;
}

int
rp_ipc_recv(int fd, struct rp_ipc_msg *msg, int nonblock)
{
	union {
		struct cmsghdr hdr;
		/* Room for more than we accept, so that excess descriptors
		 * arrive (and get closed) instead of being silently dropped
		 * with MSG_CTRUNC leaving us unsure what was sent. */
		char buf[CMSG_SPACE(sizeof(int) * 16)];
	} control;
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;
	CBS cbs;

	msg->nfds = 0;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = msg->buf;
	iov.iov_len = sizeof(msg->buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | (nonblock ? MSG_DONTWAIT : 0));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (!collect_fds(&mh, msg) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		rp_ipc_close_fds(msg);
		return -2;
	}
	if (n == 0 && msg->nfds == 0)
		return 0;
	if ((size_t)n < RP_IPC_HEADER_LEN) {
		rp_ipc_close_fds(msg);
		return -2;
	}
	msg->len = (size_t)n;
	CBS_init(&cbs, msg->buf, msg->len);
	if (!CBS_get_u16(&cbs, &msg->type) || !CBS_get_u32(&cbs, &msg->id)) {
		rp_ipc_close_fds(msg);
		return -2;
	}
	msg->payload = cbs;
	return 1;
}

const char *
rp_ipc_type_name(uint16_t type)
{
	switch (type) {
	case RP_IPC_HELLO:
		return "HELLO";
	case RP_IPC_KEX_SIGN:
		return "KEX_SIGN";
	case RP_IPC_KEX_SIGNED:
		return "KEX_SIGNED";
	case RP_IPC_AUTH_PUBKEY_CHECK:
		return "AUTH_PUBKEY_CHECK";
	case RP_IPC_AUTH_PUBKEY_VERIFY:
		return "AUTH_PUBKEY_VERIFY";
	case RP_IPC_AUTH_RESULT:
		return "AUTH_RESULT";
	case RP_IPC_AUTH_NONE:
		return "AUTH_NONE";
	case RP_IPC_AUTH_PASSWORD:
		return "AUTH_PASSWORD";
	case RP_IPC_AUTH_KBDINT:
		return "AUTH_KBDINT";
	case RP_IPC_KBDINT_PROMPTS:
		return "KBDINT_PROMPTS";
	case RP_IPC_AUTH_KBDINT_ANSWERS:
		return "AUTH_KBDINT_ANSWERS";
	case RP_IPC_SESSION_START:
		return "SESSION_START";
	case RP_IPC_SESSION_STARTED:
		return "SESSION_STARTED";
	case RP_IPC_SESSION_CHECK:
		return "SESSION_CHECK";
	case RP_IPC_SESSION_OK:
		return "SESSION_OK";
	case RP_IPC_SESSION_CONTROL:
		return "SESSION_CONTROL";
	case RP_IPC_FORWARD_OPEN:
		return "FORWARD_OPEN";
	case RP_IPC_FORWARD_OPENED:
		return "FORWARD_OPENED";
	case RP_IPC_FORWARD_FAILED:
		return "FORWARD_FAILED";
	case RP_IPC_LISTEN_OPEN:
		return "LISTEN_OPEN";
	case RP_IPC_LISTEN_OPENED:
		return "LISTEN_OPENED";
	case RP_IPC_LISTEN_CLOSE:
		return "LISTEN_CLOSE";
	case RP_IPC_LISTEN_ACCEPTED:
		return "LISTEN_ACCEPTED";
	case RP_IPC_HOSTKEYS_PROVE:
		return "HOSTKEYS_PROVE";
	case RP_IPC_HOSTKEYS_PROVED:
		return "HOSTKEYS_PROVED";
	case RP_IPC_GEX_REQUEST:
		return "GEX_REQUEST";
	case RP_IPC_GEX_GROUP:
		return "GEX_GROUP";
	case RP_IPC_SESSION_EXITED:
		return "SESSION_EXITED";
	case RP_IPC_DENIED:
		return "DENIED";
	case RP_IPC_LOG:
		return "LOG";
	case RP_IPC_CLOSING:
		return "CLOSING";
	case RP_IPC_KEX_DONE:
		return "KEX_DONE";
	case RP_IPC_STATUS:
		return "STATUS";
	case RP_IPC_DISCONNECT:
		return "DISCONNECT";
	case RP_IPC_REKEY:
		return "REKEY";
	}
	return "unknown";
}
