/*
 * common/ipc_msg.c: writers and readers of the IPC messages, each pair side
 * by side so the two cannot drift apart. Field meanings: common/ipc.h.
 */
#include "common/ipc_msg.h"

#include <string.h>

#include "common/wire.h"

/* A string of at most max bytes. */
static int
get_bounded(CBS *cbs, CBS *out, size_t max)
{
	return ssh_get_string(cbs, out) && CBS_len(out) <= max;
}

static int
add_cbs(CBB *cbb, const CBS *s)
{
	return ssh_add_string(cbb, CBS_data(s), CBS_len(s));
}

/* The whole payload must have been consumed. */
static int
done(const CBS *cbs)
{
	return CBS_len(cbs) == 0;
}

/* HELLO */

int
rp_ipc_hello_write(CBB *cbb, const struct rp_ipc_hello *m)
{
	if (m->nhostkeys == 0 || m->nhostkeys > RP_IPC_MAX_HOSTKEYS)
		return 0;
	if (!CBB_add_u32(cbb, m->conn_id) || !add_cbs(cbb, &m->server_version) ||
	    !add_cbs(cbb, &m->hostkey_algs) || !CBB_add_u32(cbb, (uint32_t)m->nhostkeys))
		return 0;
	for (size_t i = 0; i < m->nhostkeys; i++)
		if (!add_cbs(cbb, &m->hostkeys[i]))
			return 0;
	return add_cbs(cbb, &m->kex_algs) && add_cbs(cbb, &m->ciphers) &&
	    add_cbs(cbb, &m->macs) && add_cbs(cbb, &m->compression) &&
	    add_cbs(cbb, &m->auth_methods) &&
	    add_cbs(cbb, &m->pubkey_algs) && CBB_add_u32(cbb, m->idle_timeout_s) &&
	    CBB_add_u32(cbb, m->keepalive_interval_s) && CBB_add_u32(cbb, m->keepalive_count) &&
	    CBB_add_u64(cbb, m->rekey_bytes) && CBB_add_u32(cbb, m->rekey_seconds) &&
	    add_cbs(cbb, &m->banner) && CBB_add_u32(cbb, m->max_channels);
}

int
rp_ipc_hello_read(CBS *cbs, struct rp_ipc_hello *m)
{
	uint32_t n;

	memset(m, 0, sizeof(*m));
	if (!CBS_get_u32(cbs, &m->conn_id) ||
	    !get_bounded(cbs, &m->server_version, RP_IPC_MAX_VERSION) ||
	    !get_bounded(cbs, &m->hostkey_algs, RP_IPC_MAX_ALGLIST) || !CBS_get_u32(cbs, &n) ||
	    n == 0 || n > RP_IPC_MAX_HOSTKEYS)
		return 0;
	m->nhostkeys = n;
	for (size_t i = 0; i < n; i++)
		if (!get_bounded(cbs, &m->hostkeys[i], RP_IPC_MAX_KEY_BLOB))
			return 0;
	return get_bounded(cbs, &m->kex_algs, RP_IPC_MAX_ALGLIST) &&
	    get_bounded(cbs, &m->ciphers, RP_IPC_MAX_ALGLIST) &&
	    get_bounded(cbs, &m->macs, RP_IPC_MAX_ALGLIST) &&
	    get_bounded(cbs, &m->compression, RP_IPC_MAX_ALGLIST) &&
	    get_bounded(cbs, &m->auth_methods, RP_IPC_MAX_ALGLIST) &&
	    get_bounded(cbs, &m->pubkey_algs, RP_IPC_MAX_ALGLIST) &&
	    CBS_get_u32(cbs, &m->idle_timeout_s) && CBS_get_u32(cbs, &m->keepalive_interval_s) &&
	    CBS_get_u32(cbs, &m->keepalive_count) && CBS_get_u64(cbs, &m->rekey_bytes) &&
	    CBS_get_u32(cbs, &m->rekey_seconds) &&
	    get_bounded(cbs, &m->banner, RP_IPC_MAX_BANNER) &&
	    CBS_get_u32(cbs, &m->max_channels) && m->max_channels >= 1 &&
	    m->max_channels <= RP_IPC_MAX_CHANNELS && done(cbs);
}

/* KEX_SIGN */

int
rp_ipc_kex_sign_write(CBB *cbb, const struct rp_ipc_kex_sign *m)
{
	return ssh_add_cstring(cbb, m->kex) && ssh_add_cstring(cbb, m->hostkey_alg) &&
	    add_cbs(cbb, &m->v_c) && add_cbs(cbb, &m->v_s) && add_cbs(cbb, &m->i_c) &&
	    add_cbs(cbb, &m->i_s) && add_cbs(cbb, &m->q_c) && add_cbs(cbb, &m->q_s) &&
	    add_cbs(cbb, &m->k) && CBB_add_u32(cbb, m->gex_min) && CBB_add_u32(cbb, m->gex_n) &&
	    CBB_add_u32(cbb, m->gex_max) && add_cbs(cbb, &m->gex_p) && add_cbs(cbb, &m->gex_g);
}

int
rp_ipc_kex_sign_read(CBS *cbs, struct rp_ipc_kex_sign *m)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_name(cbs, m->kex, sizeof(m->kex), 0) &&
	    ssh_get_name(cbs, m->hostkey_alg, sizeof(m->hostkey_alg), 0) &&
	    get_bounded(cbs, &m->v_c, RP_IPC_MAX_VERSION) &&
	    get_bounded(cbs, &m->v_s, RP_IPC_MAX_VERSION) &&
	    get_bounded(cbs, &m->i_c, RP_IPC_MAX_KEXINIT) &&
	    get_bounded(cbs, &m->i_s, RP_IPC_MAX_KEXINIT) &&
	    get_bounded(cbs, &m->q_c, RP_IPC_MAX_KEX_VALUE) &&
	    get_bounded(cbs, &m->q_s, RP_IPC_MAX_KEX_VALUE) &&
	    get_bounded(cbs, &m->k, RP_IPC_MAX_KEX_VALUE) && CBS_get_u32(cbs, &m->gex_min) &&
	    CBS_get_u32(cbs, &m->gex_n) && CBS_get_u32(cbs, &m->gex_max) &&
	    get_bounded(cbs, &m->gex_p, RP_IPC_MAX_KEX_VALUE) &&
	    get_bounded(cbs, &m->gex_g, RP_IPC_MAX_KEX_VALUE) && done(cbs);
}

/* KEX_SIGNED */

int
rp_ipc_kex_signed_write(CBB *cbb, const struct rp_ipc_kex_signed *m)
{
	return add_cbs(cbb, &m->sig);
}

int
rp_ipc_kex_signed_read(CBS *cbs, struct rp_ipc_kex_signed *m)
{
	return get_bounded(cbs, &m->sig, RP_IPC_MAX_SIG_BLOB) && done(cbs);
}

/* GEX_REQUEST, GEX_GROUP */

int
rp_ipc_gex_request_write(CBB *cbb, const struct rp_ipc_gex_request *m)
{
	return CBB_add_u32(cbb, m->min) && CBB_add_u32(cbb, m->n) && CBB_add_u32(cbb, m->max);
}

int
rp_ipc_gex_request_read(CBS *cbs, struct rp_ipc_gex_request *m)
{
	return CBS_get_u32(cbs, &m->min) && CBS_get_u32(cbs, &m->n) &&
	    CBS_get_u32(cbs, &m->max) && done(cbs);
}

int
rp_ipc_gex_group_write(CBB *cbb, const struct rp_ipc_gex_group *m)
{
	return add_cbs(cbb, &m->p) && add_cbs(cbb, &m->g);
}

/* Both numbers non-empty and without a leading zero byte: the form the
 * exchange hash and the transport expect. */
int
rp_ipc_gex_group_read(CBS *cbs, struct rp_ipc_gex_group *m)
{
	return get_bounded(cbs, &m->p, RP_IPC_MAX_KEX_VALUE) &&
	    get_bounded(cbs, &m->g, RP_IPC_MAX_KEX_VALUE) && CBS_len(&m->p) > 0 &&
	    CBS_len(&m->g) > 0 && CBS_data(&m->p)[0] != 0 && CBS_data(&m->g)[0] != 0 &&
	    done(cbs);
}

/* AUTH_PUBKEY_CHECK */

int
rp_ipc_pubkey_check_write(CBB *cbb, const struct rp_ipc_pubkey_check *m)
{
	return ssh_add_cstring(cbb, m->user) && ssh_add_cstring(cbb, m->alg) &&
	    add_cbs(cbb, &m->key);
}

int
rp_ipc_pubkey_check_read(CBS *cbs, struct rp_ipc_pubkey_check *m)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_name(cbs, m->user, sizeof(m->user), 0) &&
	    ssh_get_name(cbs, m->alg, sizeof(m->alg), 0) &&
	    get_bounded(cbs, &m->key, RP_IPC_MAX_KEY_BLOB) && done(cbs);
}

/* AUTH_PUBKEY_VERIFY */

int
rp_ipc_pubkey_verify_write(CBB *cbb, const struct rp_ipc_pubkey_verify *m)
{
	return ssh_add_cstring(cbb, m->user) && ssh_add_cstring(cbb, m->service) &&
	    ssh_add_cstring(cbb, m->alg) && add_cbs(cbb, &m->key) && add_cbs(cbb, &m->sig);
}

int
rp_ipc_pubkey_verify_read(CBS *cbs, struct rp_ipc_pubkey_verify *m)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_name(cbs, m->user, sizeof(m->user), 0) &&
	    ssh_get_name(cbs, m->service, sizeof(m->service), 0) &&
	    ssh_get_name(cbs, m->alg, sizeof(m->alg), 0) &&
	    get_bounded(cbs, &m->key, RP_IPC_MAX_KEY_BLOB) &&
	    get_bounded(cbs, &m->sig, RP_IPC_MAX_SIG_BLOB) && done(cbs);
}

/* AUTH_RESULT */

int
rp_ipc_auth_result_write(CBB *cbb, const struct rp_ipc_auth_result *m)
{
	return CBB_add_u8(cbb, m->result) && add_cbs(cbb, &m->methods) &&
	    add_cbs(cbb, &m->banner);
}

int
rp_ipc_auth_result_read(CBS *cbs, struct rp_ipc_auth_result *m)
{
	return CBS_get_u8(cbs, &m->result) && m->result <= RP_AUTH_PARTIAL &&
	    get_bounded(cbs, &m->methods, RP_IPC_MAX_ALGLIST) &&
	    get_bounded(cbs, &m->banner, RP_IPC_MAX_BANNER) && done(cbs);
}

/* AUTH_NONE */

int
rp_ipc_auth_none_write(CBB *cbb, const struct rp_ipc_auth_none *m)
{
	return ssh_add_cstring(cbb, m->user);
}

int
rp_ipc_auth_none_read(CBS *cbs, struct rp_ipc_auth_none *m)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_name(cbs, m->user, sizeof(m->user), 0) && done(cbs);
}

/* AUTH_PASSWORD */

int
rp_ipc_auth_password_write(CBB *cbb, const struct rp_ipc_auth_password *m)
{
	return ssh_add_cstring(cbb, m->user) && add_cbs(cbb, &m->password);
}

int
rp_ipc_auth_password_read(CBS *cbs, struct rp_ipc_auth_password *m)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_name(cbs, m->user, sizeof(m->user), 0) &&
	    get_bounded(cbs, &m->password, RP_IPC_MAX_SECRET) && done(cbs);
}

/* AUTH_KBDINT */

int
rp_ipc_auth_kbdint_write(CBB *cbb, const struct rp_ipc_auth_kbdint *m)
{
	return ssh_add_cstring(cbb, m->user) && add_cbs(cbb, &m->submethods);
}

int
rp_ipc_auth_kbdint_read(CBS *cbs, struct rp_ipc_auth_kbdint *m)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_name(cbs, m->user, sizeof(m->user), 0) &&
	    get_bounded(cbs, &m->submethods, RP_IPC_MAX_ALGLIST) && done(cbs);
}

/* KBDINT_PROMPTS */

int
rp_ipc_kbdint_prompts_write(CBB *cbb, const struct rp_ipc_kbdint_prompts *m)
{
	if (m->nprompts == 0 || m->nprompts > RP_IPC_MAX_PROMPTS)
		return 0;
	if (!add_cbs(cbb, &m->name) || !add_cbs(cbb, &m->instruction) ||
	    !CBB_add_u32(cbb, (uint32_t)m->nprompts))
		return 0;
	for (size_t i = 0; i < m->nprompts; i++)
		if (!add_cbs(cbb, &m->prompts[i]) || !ssh_add_bool(cbb, m->echo[i]))
			return 0;
	return 1;
}

int
rp_ipc_kbdint_prompts_read(CBS *cbs, struct rp_ipc_kbdint_prompts *m)
{
	uint32_t n;

	memset(m, 0, sizeof(*m));
	if (!get_bounded(cbs, &m->name, RP_IPC_MAX_LOG) ||
	    !get_bounded(cbs, &m->instruction, RP_IPC_MAX_LOG) || !CBS_get_u32(cbs, &n) ||
	    n == 0 || n > RP_IPC_MAX_PROMPTS)
		return 0;
	m->nprompts = n;
	for (size_t i = 0; i < n; i++)
		if (!get_bounded(cbs, &m->prompts[i], RP_IPC_MAX_LOG) ||
		    !ssh_get_bool(cbs, &m->echo[i]))
			return 0;
	return done(cbs);
}

/* AUTH_KBDINT_ANSWERS */

int
rp_ipc_kbdint_answers_write(CBB *cbb, const struct rp_ipc_kbdint_answers *m)
{
	if (m->nanswers > RP_IPC_MAX_PROMPTS || !CBB_add_u32(cbb, (uint32_t)m->nanswers))
		return 0;
	for (size_t i = 0; i < m->nanswers; i++)
		if (!add_cbs(cbb, &m->answers[i]))
			return 0;
	return 1;
}

int
rp_ipc_kbdint_answers_read(CBS *cbs, struct rp_ipc_kbdint_answers *m)
{
	uint32_t n;

	memset(m, 0, sizeof(*m));
	if (!CBS_get_u32(cbs, &n) || n > RP_IPC_MAX_PROMPTS)
		return 0;
	m->nanswers = n;
	for (size_t i = 0; i < n; i++)
		if (!get_bounded(cbs, &m->answers[i], RP_IPC_MAX_SECRET))
			return 0;
	return done(cbs);
}

/* SESSION_START */

int
rp_ipc_valid_term(const CBS *term)
{
	if (CBS_len(term) > RP_IPC_MAX_TERM)
		return 0;
	for (size_t i = 0; i < CBS_len(term); i++)
		if (CBS_data(term)[i] <= ' ' || CBS_data(term)[i] > '~')
			return 0;
	return 1;
}

int
rp_ipc_valid_env_name(const CBS *name)
{
	return CBS_len(name) > 0 && CBS_len(name) <= RP_IPC_MAX_ENV_NAME &&
	    !CBS_contains_zero_byte(name) &&
	    memchr(CBS_data(name), '=', CBS_len(name)) == NULL;
}

static int
all_bytes_in(const CBS *s, const char *allowed)
{
	for (size_t i = 0; i < CBS_len(s); i++)
		if (CBS_data(s)[i] == '\0' || strchr(allowed, CBS_data(s)[i]) == NULL)
			return 0;
	return 1;
}

int
rp_ipc_valid_x11_proto(const CBS *proto)
{
	return CBS_len(proto) > 0 && CBS_len(proto) <= RP_IPC_MAX_X11_PROTO &&
	    all_bytes_in(proto, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._");
}

int
rp_ipc_valid_x11_cookie(const CBS *cookie)
{
	return CBS_len(cookie) >= 2 && CBS_len(cookie) <= RP_IPC_MAX_X11_COOKIE &&
	    CBS_len(cookie) % 2 == 0 && all_bytes_in(cookie, "0123456789abcdefABCDEF");
}

/* An x11-req field as a C string, when valid(). */
static int
get_x11_field(CBS *cbs, int (*valid)(const CBS *), char *out, size_t outsz)
{
	CBS s;

	if (!ssh_get_string(cbs, &s) || !valid(&s) || CBS_len(&s) >= outsz)
		return 0;
	memcpy(out, CBS_data(&s), CBS_len(&s));
	out[CBS_len(&s)] = '\0';
	return 1;
}

int
rp_ipc_session_start_write(CBB *cbb, const struct rp_ipc_session_start *m)
{
	if (m->nenv > RP_IPC_MAX_ENV)
		return 0;
	if (!CBB_add_u32(cbb, m->session) || !CBB_add_u8(cbb, m->kind) ||
	    !add_cbs(cbb, &m->command) || !ssh_add_bool(cbb, m->pty))
		return 0;
	if (m->pty && (!ssh_add_cstring(cbb, m->term) || !CBB_add_u32(cbb, m->cols) ||
	    !CBB_add_u32(cbb, m->rows) || !CBB_add_u32(cbb, m->width_px) ||
	    !CBB_add_u32(cbb, m->height_px) || !add_cbs(cbb, &m->modes)))
		return 0;
	if (!CBB_add_u32(cbb, (uint32_t)m->nenv))
		return 0;
	for (size_t i = 0; i < m->nenv; i++)
		if (!add_cbs(cbb, &m->env[i].name) || !add_cbs(cbb, &m->env[i].value))
			return 0;
	if (!ssh_add_bool(cbb, m->agent) || !ssh_add_bool(cbb, m->x11))
		return 0;
	return !m->x11 || (ssh_add_bool(cbb, m->x11_single) &&
	    ssh_add_cstring(cbb, m->x11_proto) && ssh_add_cstring(cbb, m->x11_cookie) &&
	    CBB_add_u32(cbb, m->x11_screen));
}

int
rp_ipc_session_start_read(CBS *cbs, struct rp_ipc_session_start *m)
{
	CBS term;
	uint32_t n;

	memset(m, 0, sizeof(*m));
	if (!CBS_get_u32(cbs, &m->session) || !CBS_get_u8(cbs, &m->kind) ||
	    m->kind > RP_SESSION_SUBSYSTEM ||
	    !get_bounded(cbs, &m->command, RP_IPC_MAX_COMMAND) ||
	    CBS_contains_zero_byte(&m->command) || !ssh_get_bool(cbs, &m->pty))
		return 0;
	if (m->pty && (!ssh_get_string(cbs, &term) || !rp_ipc_valid_term(&term) ||
	    !CBS_get_u32(cbs, &m->cols) || !CBS_get_u32(cbs, &m->rows) ||
	    !CBS_get_u32(cbs, &m->width_px) || !CBS_get_u32(cbs, &m->height_px) ||
	    !get_bounded(cbs, &m->modes, RP_IPC_MAX_MODES)))
		return 0;
	if (m->pty) {
		memcpy(m->term, CBS_data(&term), CBS_len(&term));
		m->term[CBS_len(&term)] = '\0';
	}
	if (!CBS_get_u32(cbs, &n) || n > RP_IPC_MAX_ENV)
		return 0;
	m->nenv = n;
	for (size_t i = 0; i < n; i++)
		if (!get_bounded(cbs, &m->env[i].name, RP_IPC_MAX_ENV_NAME) ||
		    !rp_ipc_valid_env_name(&m->env[i].name) ||
		    !get_bounded(cbs, &m->env[i].value, RP_IPC_MAX_ENV_VALUE) ||
		    CBS_contains_zero_byte(&m->env[i].value))
			return 0;
	if (!ssh_get_bool(cbs, &m->agent) || !ssh_get_bool(cbs, &m->x11))
		return 0;
	if (m->x11 && (!ssh_get_bool(cbs, &m->x11_single) ||
	    !get_x11_field(cbs, rp_ipc_valid_x11_proto, m->x11_proto, sizeof(m->x11_proto)) ||
	    !get_x11_field(cbs, rp_ipc_valid_x11_cookie, m->x11_cookie,
	    sizeof(m->x11_cookie)) || !CBS_get_u32(cbs, &m->x11_screen) ||
	    m->x11_screen > RP_IPC_MAX_X11_SCREEN))
		return 0;
	return done(cbs);
}

/* SESSION_STARTED */

int
rp_ipc_session_started_write(CBB *cbb, const struct rp_ipc_session_started *m)
{
	return ssh_add_bool(cbb, m->pty) && CBB_add_u8(cbb, m->record) &&
	    ssh_add_bool(cbb, m->agent) && m->x11_fds <= 2 && CBB_add_u8(cbb, m->x11_fds) &&
	    (m->x11_fds == 0 || CBB_add_u32(cbb, m->x11_display));
}

int
rp_ipc_session_started_read(CBS *cbs, struct rp_ipc_session_started *m)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_bool(cbs, &m->pty) && CBS_get_u8(cbs, &m->record) &&
	    m->record <= RP_IPC_RECORD_INPUT && ssh_get_bool(cbs, &m->agent) &&
	    CBS_get_u8(cbs, &m->x11_fds) && m->x11_fds <= 2 &&
	    (m->x11_fds == 0 || CBS_get_u32(cbs, &m->x11_display)) && done(cbs);
}

/* SESSION_CHECK */

int
rp_ipc_session_check_write(CBB *cbb, const struct rp_ipc_session_check *m)
{
	return CBB_add_u8(cbb, m->what) && add_cbs(cbb, &m->name);
}

int
rp_ipc_session_check_read(CBS *cbs, struct rp_ipc_session_check *m)
{
	memset(m, 0, sizeof(*m));
	if (!CBS_get_u8(cbs, &m->what) || m->what < RP_CHECK_PTY ||
	    m->what > RP_CHECK_STREAMLOCAL_LISTEN ||
	    !get_bounded(cbs, &m->name, RP_IPC_MAX_ENV_NAME) || !done(cbs))
		return 0;
	if (m->what == RP_CHECK_ENV)
		return rp_ipc_valid_env_name(&m->name);
	if (m->what == RP_CHECK_STREAMLOCAL || m->what == RP_CHECK_STREAMLOCAL_LISTEN)
		return CBS_len(&m->name) > 0 &&
		    memchr(CBS_data(&m->name), 0, CBS_len(&m->name)) == NULL;
	return CBS_len(&m->name) == 0;
}

/* SESSION_CONTROL */

int
rp_ipc_session_control_write(CBB *cbb, const struct rp_ipc_session_control *m)
{
	if (!CBB_add_u32(cbb, m->session) || !CBB_add_u8(cbb, m->op))
		return 0;
	switch (m->op) {
	case RP_CONTROL_RESIZE:
		return CBB_add_u32(cbb, m->cols) && CBB_add_u32(cbb, m->rows) &&
		    CBB_add_u32(cbb, m->width_px) && CBB_add_u32(cbb, m->height_px);
	case RP_CONTROL_SIGNAL:
		return ssh_add_cstring(cbb, m->signame);
	case RP_CONTROL_BREAK:
		return CBB_add_u32(cbb, m->break_ms);
	default:
		return 0;
	}
}

int
rp_ipc_session_control_read(CBS *cbs, struct rp_ipc_session_control *m)
{
	memset(m, 0, sizeof(*m));
	if (!CBS_get_u32(cbs, &m->session) || !CBS_get_u8(cbs, &m->op))
		return 0;
	switch (m->op) {
	case RP_CONTROL_RESIZE:
		return CBS_get_u32(cbs, &m->cols) && CBS_get_u32(cbs, &m->rows) &&
		    CBS_get_u32(cbs, &m->width_px) && CBS_get_u32(cbs, &m->height_px) &&
		    done(cbs);
	case RP_CONTROL_SIGNAL:
		return ssh_get_name(cbs, m->signame, sizeof(m->signame), 0) && done(cbs);
	case RP_CONTROL_BREAK:
		return CBS_get_u32(cbs, &m->break_ms) && done(cbs);
	default:
		return 0;
	}
}

/* FORWARD_OPEN, FORWARD_OPENED, FORWARD_FAILED */

int
rp_ipc_forward_open_write(CBB *cbb, const struct rp_ipc_forward_open *m)
{
	return ssh_add_cstring(cbb, m->host) && CBB_add_u32(cbb, m->port) &&
	    ssh_add_cstring(cbb, m->orig_addr) && CBB_add_u32(cbb, m->orig_port);
}

int
rp_ipc_forward_open_read(CBS *cbs, struct rp_ipc_forward_open *m)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_name(cbs, m->host, sizeof(m->host), 0) && CBS_get_u32(cbs, &m->port) &&
	    m->port >= 1 && m->port <= 65535 &&
	    ssh_get_name(cbs, m->orig_addr, sizeof(m->orig_addr), 1) &&
	    CBS_get_u32(cbs, &m->orig_port) && done(cbs);
}

int
rp_ipc_forward_opened_write(CBB *cbb, const struct rp_ipc_forward_opened *m)
{
	return ssh_add_cstring(cbb, m->addr);
}

int
rp_ipc_forward_opened_read(CBS *cbs, struct rp_ipc_forward_opened *m)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_name(cbs, m->addr, sizeof(m->addr), 1) && done(cbs);
}

int
rp_ipc_forward_failed_write(CBB *cbb, const struct rp_ipc_forward_failed *m)
{
	return CBB_add_u32(cbb, m->reason) && add_cbs(cbb, &m->text);
}

int
rp_ipc_forward_failed_read(CBS *cbs, struct rp_ipc_forward_failed *m)
{
	return CBS_get_u32(cbs, &m->reason) && m->reason >= 1 && m->reason <= 4 &&
	    get_bounded(cbs, &m->text, RP_IPC_MAX_LOG) && done(cbs);
}

/* LISTEN_OPEN, LISTEN_OPENED, LISTEN_CLOSE, LISTEN_ACCEPTED */

int
rp_ipc_listen_open_write(CBB *cbb, const struct rp_ipc_listen *m)
{
	return ssh_add_cstring(cbb, m->bind) && CBB_add_u32(cbb, m->port);
}

static int
listen_read(CBS *cbs, struct rp_ipc_listen *m, uint32_t min_port)
{
	memset(m, 0, sizeof(*m));
	return ssh_get_name(cbs, m->bind, sizeof(m->bind), 1) && CBS_get_u32(cbs, &m->port) &&
	    m->port >= min_port && m->port <= 65535;
}

int
rp_ipc_listen_open_read(CBS *cbs, struct rp_ipc_listen *m)
{
	return listen_read(cbs, m, 0) && done(cbs);
}

int
rp_ipc_listen_opened_write(CBB *cbb, const struct rp_ipc_listen_opened *m)
{
	return CBB_add_u32(cbb, m->port);
}

int
rp_ipc_listen_opened_read(CBS *cbs, struct rp_ipc_listen_opened *m)
{
	return CBS_get_u32(cbs, &m->port) && m->port >= 1 && m->port <= 65535 && done(cbs);
}

int
rp_ipc_listen_close_write(CBB *cbb, const struct rp_ipc_listen *m)
{
	return rp_ipc_listen_open_write(cbb, m);
}

int
rp_ipc_listen_close_read(CBS *cbs, struct rp_ipc_listen *m)
{
	return listen_read(cbs, m, 1) && done(cbs);
}

int
rp_ipc_listen_accepted_write(CBB *cbb, const struct rp_ipc_listen *m)
{
	return rp_ipc_listen_open_write(cbb, m) && ssh_add_cstring(cbb, m->orig_addr) &&
	    CBB_add_u32(cbb, m->orig_port);
}

int
rp_ipc_listen_accepted_read(CBS *cbs, struct rp_ipc_listen *m)
{
	return listen_read(cbs, m, 1) &&
	    ssh_get_name(cbs, m->orig_addr, sizeof(m->orig_addr), 1) &&
	    CBS_get_u32(cbs, &m->orig_port) && m->orig_port <= 65535 && done(cbs);
}

/* SESSION_EXITED */

int
rp_ipc_session_exited_write(CBB *cbb, const struct rp_ipc_session_exited *m)
{
	return CBB_add_u32(cbb, m->session) && ssh_add_bool(cbb, m->signalled) &&
	    CBB_add_u32(cbb, m->status) && ssh_add_cstring(cbb, m->signame) &&
	    ssh_add_bool(cbb, m->core_dumped);
}

int
rp_ipc_session_exited_read(CBS *cbs, struct rp_ipc_session_exited *m)
{
	memset(m, 0, sizeof(*m));
	return CBS_get_u32(cbs, &m->session) && ssh_get_bool(cbs, &m->signalled) &&
	    CBS_get_u32(cbs, &m->status) &&
	    ssh_get_name(cbs, m->signame, sizeof(m->signame), 1) &&
	    ssh_get_bool(cbs, &m->core_dumped) && done(cbs);
}

/* DENIED */

int
rp_ipc_denied_write(CBB *cbb, const struct rp_ipc_denied *m)
{
	return add_cbs(cbb, &m->reason);
}

int
rp_ipc_denied_read(CBS *cbs, struct rp_ipc_denied *m)
{
	return get_bounded(cbs, &m->reason, RP_IPC_MAX_LOG) && done(cbs);
}

/* LOG */

int
rp_ipc_log_write(CBB *cbb, const struct rp_ipc_log *m)
{
	return CBB_add_u8(cbb, m->level) && add_cbs(cbb, &m->text);
}

int
rp_ipc_log_read(CBS *cbs, struct rp_ipc_log *m)
{
	return CBS_get_u8(cbs, &m->level) && m->level <= 3 &&
	    get_bounded(cbs, &m->text, RP_IPC_MAX_LOG) && done(cbs);
}

/* CLOSING */

int
rp_ipc_closing_write(CBB *cbb, const struct rp_ipc_closing *m)
{
	return CBB_add_u32(cbb, m->reason) && ssh_add_bool(cbb, m->by_peer) &&
	    add_cbs(cbb, &m->text);
}

int
rp_ipc_closing_read(CBS *cbs, struct rp_ipc_closing *m)
{
	return CBS_get_u32(cbs, &m->reason) && ssh_get_bool(cbs, &m->by_peer) &&
	    get_bounded(cbs, &m->text, RP_IPC_MAX_LOG) && done(cbs);
}

/* KEX_DONE */

int
rp_ipc_kex_done_write(CBB *cbb, const struct rp_ipc_kex_done *m)
{
	return add_cbs(cbb, &m->cipher_c2s) && add_cbs(cbb, &m->cipher_s2c) &&
	    add_cbs(cbb, &m->mac_c2s) && add_cbs(cbb, &m->mac_s2c) && add_cbs(cbb, &m->comp_c2s) &&
	    add_cbs(cbb, &m->comp_s2c);
}

/* An algorithm name as printable bytes (empty allowed: no MAC for AEADs). */
static int
get_alg(CBS *cbs, CBS *out)
{
	char name[RP_IPC_MAX_NAME];
	CBS copy = *cbs;

	if (!ssh_get_name(&copy, name, sizeof(name), 1))
		return 0;
	return ssh_get_string(cbs, out);
}

int
rp_ipc_kex_done_read(CBS *cbs, struct rp_ipc_kex_done *m)
{
	return get_alg(cbs, &m->cipher_c2s) && get_alg(cbs, &m->cipher_s2c) &&
	    get_alg(cbs, &m->mac_c2s) && get_alg(cbs, &m->mac_s2c) && get_alg(cbs, &m->comp_c2s) &&
	    get_alg(cbs, &m->comp_s2c) && done(cbs);
}

/* STATUS */

int
rp_ipc_status_write(CBB *cbb, const struct rp_ipc_status *m)
{
	if (m->nchannels > RP_IPC_MAX_STATUS_CHANNELS)
		return 0;
	if (!CBB_add_u64(cbb, m->bytes_in) || !CBB_add_u64(cbb, m->bytes_out) ||
	    !CBB_add_u32(cbb, m->idle_s) || !CBB_add_u32(cbb, (uint32_t)m->nchannels))
		return 0;
	for (size_t i = 0; i < m->nchannels; i++) {
		const struct rp_ipc_status_channel *ch = &m->channels[i];

		if (!CBB_add_u32(cbb, ch->id) || !add_cbs(cbb, &ch->type) ||
		    !add_cbs(cbb, &ch->target) || !CBB_add_u64(cbb, ch->bytes_in) ||
		    !CBB_add_u64(cbb, ch->bytes_out))
			return 0;
	}
	return 1;
}

int
rp_ipc_status_read(CBS *cbs, struct rp_ipc_status *m)
{
	uint32_t n;

	memset(m, 0, sizeof(*m));
	if (!CBS_get_u64(cbs, &m->bytes_in) || !CBS_get_u64(cbs, &m->bytes_out) ||
	    !CBS_get_u32(cbs, &m->idle_s) || !CBS_get_u32(cbs, &n) ||
	    n > RP_IPC_MAX_STATUS_CHANNELS)
		return 0;
	m->nchannels = n;
	for (size_t i = 0; i < n; i++) {
		struct rp_ipc_status_channel *ch = &m->channels[i];

		if (!CBS_get_u32(cbs, &ch->id) || !get_alg(cbs, &ch->type) ||
		    !get_bounded(cbs, &ch->target, RP_IPC_MAX_TARGET) ||
		    !CBS_get_u64(cbs, &ch->bytes_in) || !CBS_get_u64(cbs, &ch->bytes_out))
			return 0;
	}
	return done(cbs);
}

/* DISCONNECT */

int
rp_ipc_disconnect_write(CBB *cbb, const struct rp_ipc_disconnect *m)
{
	return CBB_add_u32(cbb, m->reason) && add_cbs(cbb, &m->message);
}

int
rp_ipc_disconnect_read(CBS *cbs, struct rp_ipc_disconnect *m)
{
	return CBS_get_u32(cbs, &m->reason) && get_bounded(cbs, &m->message, RP_IPC_MAX_LOG) &&
	    done(cbs);
}

/* The builders: header of the message's own type, then its payload. */
/* Messages that share one struct (the LISTEN_* ones) name it. */
/* HOSTKEYS_PROVE, HOSTKEYS_PROVED: a counted list of blobs. */

static int
hostkeys_write(CBB *cbb, const struct rp_ipc_hostkeys *m)
{
	if (m->n == 0 || m->n > RP_IPC_MAX_HOSTKEYS || !CBB_add_u32(cbb, (uint32_t)m->n))
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (CBS_len(&m->blobs[i]) > RP_IPC_MAX_KEY_BLOB || !add_cbs(cbb, &m->blobs[i]))
			return 0;
	return 1;
}

static int
hostkeys_read(CBS *cbs, struct rp_ipc_hostkeys *m)
{
	uint32_t n;

	memset(m, 0, sizeof(*m));
	if (!CBS_get_u32(cbs, &n) || n == 0 || n > RP_IPC_MAX_HOSTKEYS)
		return 0;
	m->n = n;
	for (size_t i = 0; i < n; i++)
		if (!get_bounded(cbs, &m->blobs[i], RP_IPC_MAX_KEY_BLOB) ||
		    CBS_len(&m->blobs[i]) == 0)
			return 0;
	return done(cbs);
}

int
rp_ipc_hostkeys_prove_write(CBB *cbb, const struct rp_ipc_hostkeys *m)
{
	return hostkeys_write(cbb, m);
}

int
rp_ipc_hostkeys_prove_read(CBS *cbs, struct rp_ipc_hostkeys *m)
{
	return hostkeys_read(cbs, m);
}

int
rp_ipc_hostkeys_proved_write(CBB *cbb, const struct rp_ipc_hostkeys *m)
{
	return hostkeys_write(cbb, m);
}

int
rp_ipc_hostkeys_proved_read(CBS *cbs, struct rp_ipc_hostkeys *m)
{
	return hostkeys_read(cbs, m);
}

#define BUILDER_OF(name, st, type)                                            \
	int                                                                   \
	rp_ipc_##name##_build(CBB *cbb, uint32_t id, const struct rp_ipc_##st *m) \
	{                                                                     \
		if (!rp_ipc_begin(cbb, type, id))                             \
			return 0;                                             \
		if (!rp_ipc_##name##_write(cbb, m)) {                         \
			CBB_cleanup(cbb);                                     \
			return 0;                                             \
		}                                                             \
		return 1;                                                     \
	}
#define BUILDER(name, type) BUILDER_OF(name, name, type)

BUILDER(hello, RP_IPC_HELLO)
BUILDER(kex_sign, RP_IPC_KEX_SIGN)
BUILDER(kex_signed, RP_IPC_KEX_SIGNED)
BUILDER(gex_request, RP_IPC_GEX_REQUEST)
BUILDER(gex_group, RP_IPC_GEX_GROUP)
BUILDER(pubkey_check, RP_IPC_AUTH_PUBKEY_CHECK)
BUILDER(pubkey_verify, RP_IPC_AUTH_PUBKEY_VERIFY)
BUILDER(auth_result, RP_IPC_AUTH_RESULT)
BUILDER(session_start, RP_IPC_SESSION_START)
BUILDER(session_started, RP_IPC_SESSION_STARTED)
BUILDER(session_check, RP_IPC_SESSION_CHECK)
BUILDER(session_control, RP_IPC_SESSION_CONTROL)
BUILDER(forward_open, RP_IPC_FORWARD_OPEN)
BUILDER(forward_opened, RP_IPC_FORWARD_OPENED)
BUILDER(forward_failed, RP_IPC_FORWARD_FAILED)
BUILDER_OF(listen_open, listen, RP_IPC_LISTEN_OPEN)
BUILDER(listen_opened, RP_IPC_LISTEN_OPENED)
BUILDER_OF(listen_close, listen, RP_IPC_LISTEN_CLOSE)
BUILDER_OF(listen_accepted, listen, RP_IPC_LISTEN_ACCEPTED)
BUILDER_OF(hostkeys_prove, hostkeys, RP_IPC_HOSTKEYS_PROVE)
BUILDER_OF(hostkeys_proved, hostkeys, RP_IPC_HOSTKEYS_PROVED)
BUILDER(session_exited, RP_IPC_SESSION_EXITED)
BUILDER(denied, RP_IPC_DENIED)
BUILDER(log, RP_IPC_LOG)
BUILDER(closing, RP_IPC_CLOSING)
BUILDER(kex_done, RP_IPC_KEX_DONE)
BUILDER(status, RP_IPC_STATUS)
BUILDER(disconnect, RP_IPC_DISCONNECT)
BUILDER(auth_none, RP_IPC_AUTH_NONE)
BUILDER(auth_password, RP_IPC_AUTH_PASSWORD)
BUILDER(auth_kbdint, RP_IPC_AUTH_KBDINT)
BUILDER(kbdint_prompts, RP_IPC_KBDINT_PROMPTS)
BUILDER(kbdint_answers, RP_IPC_AUTH_KBDINT_ANSWERS)
