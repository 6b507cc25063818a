/*
 * tests/unit/test_policy_settings.c: the daemon settings (policy/settings.c)
 * and algorithm lists (policy/algorithms.c): every directive with a value,
 * every default, every bound and error with its exact file:line:col and
 * message, and OpenSSH's +, -, ^ edits of the algorithm defaults.
 */
#include "tests/unit/unit.h"
#include "tests/unit/policy_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/kex.h"
#include "crypto/pkt_cipher.h"
#include "crypto/sshkey.h"
#include "policy/internal.h"
#include "policy/policy.h"

#define BASE "listen 127.0.0.1:0\nhost-key /k\n"

#define DEFAULT_CIPHERS "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com," \
	"aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr"
/* The default MACs and kex methods leave out what ssh-audit flags: MACs in
 * encrypt-and-MAC mode or with 64-bit tags, ECDH on the NIST curves. */
#define DEFAULT_MACS "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
	"umac-128-etm@openssh.com"
#define ALL_MACS "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
	"umac-128-etm@openssh.com,umac-64-etm@openssh.com,hmac-sha2-256,hmac-sha2-512," \
	"umac-128@openssh.com,umac-64@openssh.com"
#define DEFAULT_KEX "mlkem768x25519-sha256,sntrup761x25519-sha512," \
	"sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org," \
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512," \
	"diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
#define ALL_KEX "mlkem768x25519-sha256,sntrup761x25519-sha512," \
	"sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org," \
	"ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521," \
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512," \
	"diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
/* Host key algorithms: every key type's, certificates only with a
 * host-certificate. */
#define HOSTKEY_ALGS "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"
#define HOSTCERT_ALGS "ssh-ed25519-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com," \
	"rsa-sha2-256-cert-v01@openssh.com"
/* Every user-key signature algorithm but SHA-1 (ssh-rsa and its certs). */
#define DEFAULT_PUBKEY "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,ssh-ed25519-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com," \
	"rsa-sha2-256-cert-v01@openssh.com"
/* Every one implemented, as the errors list them. */
#define DEFAULT_PUBKEY_ALL "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-ed25519-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com," \
	"rsa-sha2-256-cert-v01@openssh.com,ssh-rsa-cert-v01@openssh.com"

#define LOAD_OK(text) rp_test_policy_load((text), NULL, NULL, __LINE__)

#define EXPECT_ERROR(text, want) rp_test_policy_error((text), (want), 0, __LINE__)
#define EXPECT_PREFIX(text, want) rp_test_policy_error((text), (want), 1, __LINE__)

/* --- every setting ------------------------------------------------------- */

START_TEST(test_defaults)
{
	struct rp_policy *policy = LOAD_OK(BASE);
	const struct rp_penalties *pe = &policy->penalties;

	ck_assert_str_eq(policy->server_version, "rampart_" RAMPART_VERSION);
	ck_assert_str_eq(policy->kex_algorithms, DEFAULT_KEX);
	ck_assert_str_eq(rp_kex_supported_list(), ALL_KEX);
	ck_assert_str_eq(policy->host_key_algorithms, HOSTKEY_ALGS);
	ck_assert_str_eq(policy->ciphers, rp_cipher_supported_list());
	ck_assert_str_eq(policy->macs, DEFAULT_MACS);
	ck_assert_str_eq(rp_mac_supported_list(), ALL_MACS);
	ck_assert_str_eq(policy->pubkey_algorithms, DEFAULT_PUBKEY);
	ck_assert_ptr_null(strstr(policy->pubkey_algorithms, "ssh-rsa"));
	ck_assert_str_eq(rp_pubkey_alg_supported_list(), DEFAULT_PUBKEY_ALL);
	ck_assert_str_eq(policy->compression, "none,zlib@openssh.com");
	ck_assert_uint_eq(policy->login_grace_time_s, 30);
	ck_assert_uint_eq(policy->max_auth_tries, 6);
	ck_assert_uint_eq(policy->idle_timeout_s, 0);
	ck_assert_uint_eq(policy->keepalive_interval_s, 0);
	ck_assert_uint_eq(policy->keepalive_count, 0);
	ck_assert_uint_eq(policy->rekey_limit_bytes, 0);
	ck_assert_uint_eq(policy->rekey_limit_s, 0);
	ck_assert_uint_eq(policy->max_connections, 1000);
	ck_assert_uint_eq(policy->max_startups_start, 10);
	ck_assert_uint_eq(policy->max_startups_rate, 30);
	ck_assert_uint_eq(policy->max_startups_full, 100);
	ck_assert_int_eq(policy->tcp_nodelay, 1);
	ck_assert_int_eq(policy->log_level, RP_LOG_INFO);
	ck_assert_uint_eq(policy->naudit_logs, 0);
	ck_assert_int_eq(policy->audit_failure_refuse, 1);
	ck_assert_ptr_null(policy->recording_dir);
	ck_assert_str_eq(policy->control_socket, "/run/rampart/control.sock");
	ck_assert_str_eq(policy->worker_user, "rampart");
	ck_assert_str_eq(policy->worker_chroot, "/var/lib/rampart/empty");
	/* OpenSSH 9.8's PerSourcePenalties. */
	ck_assert_int_eq(pe->enabled, 1);
	ck_assert_uint_eq(pe->authfail_s, 5);
	ck_assert_uint_eq(pe->noauth_s, 1);
	ck_assert_uint_eq(pe->crash_s, 90);
	ck_assert_uint_eq(pe->grace_exceeded_s, 10);
	ck_assert_uint_eq(pe->refused_s, 0);
	ck_assert_uint_eq(pe->max_s, 600);
	ck_assert_uint_eq(pe->min_s, 15);
	ck_assert_uint_eq(pe->exempt.ncidrs, 0);
	ck_assert_uint_eq(pe->ipv4_prefix, 32);
	ck_assert_uint_eq(pe->ipv6_prefix, 64);
	ck_assert_uint_eq(policy->nadmission, 0);
	ck_assert_uint_eq(policy->ngroups, 0);
	ck_assert_ptr_null(rp_policy_setting_pos(policy, "login-grace-time"));
	rp_policy_free(policy);
}
END_TEST

/* refuse-client-version: globs over the software version, in any number
 * of lines, each remembered with its position for the audit record. */
START_TEST(test_refuse_client_version)
{
	struct rp_policy *policy = LOAD_OK(BASE "refuse-client-version libssh_0.9.* *PuTTY*\n"
	    "refuse-client-version Go\n");
	const struct rp_policy_version_pattern *v;

	ck_assert_uint_eq(policy->nrefused_versions, 3);
	v = rp_policy_refused_version(policy, "libssh_0.9.6");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->pattern, "libssh_0.9.*");
	ck_assert_uint_eq(v->pos.line, 3);
	ck_assert_ptr_nonnull(rp_policy_refused_version(policy, "PuTTY_Release_0.78"));
	v = rp_policy_refused_version(policy, "Go");
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->pos.line, 4);
	ck_assert_ptr_null(rp_policy_refused_version(policy, "OpenSSH_9.2p1"));
	ck_assert_ptr_null(rp_policy_refused_version(policy, "libssh_0.10.4"));
	rp_policy_free(policy);
	policy = LOAD_OK(BASE);
	ck_assert_ptr_null(rp_policy_refused_version(policy, "anything"));
	rp_policy_free(policy);
	EXPECT_ERROR(BASE "refuse-client-version \"Open SSH\"\n", "t.conf:3:23: "
	    "'refuse-client-version' pattern 'Open SSH' has a space or non-ASCII character; "
	    "expected a glob over the version after SSH-2.0-, such as 'libssh_0.9.*' or "
	    "'*PuTTY_Release_0.7?*'");
}
END_TEST

START_TEST(test_every_setting_with_its_value)
{
	struct rp_policy *policy = LOAD_OK(
	    "listen *:2222\n"                                  /* 1 */
	    "listen [::1]:22\n"
	    "host-key keys/host\n"
	    "server-version Bastion_2.0+corp\n"
	    "kex-algorithms curve25519-sha256@libssh.org\n"   /* 5 */
	    "host-key-algorithms ssh-ed25519\n"
	    "ciphers -aes*-ctr\n"
	    "macs ^hmac-sha2-512\n"
	    "pubkey-algorithms +ssh-ed25519\n"
	    "compression none\n"                               /* 10 */
	    "login-grace-time 1m\n"
	    "max-auth-tries 3\n"
	    "idle-timeout 15m\n"
	    "keepalive 30s 4\n"
	    "rekey-limit 1G 1h\n"                              /* 15 */
	    "max-connections 250\n"
	    "max-startups 5:50:20\n"
	    "tcp-nodelay no\n"
	    "log-level debug\n"
	    "audit-log /var/log/rampart/audit.jsonl\n"         /* 20 */
	    "audit-log syslog\n"
	    "audit-failure continue\n"
	    "recording-dir /var/lib/rampart/recordings\n"
	    "control-socket /run/rampart/ctl.sock\n"
	    "worker-user _rampart\n"                           /* 25 */
	    "worker-chroot /var/empty\n"
	    "penalties {\n"
	    "\tauthfail 30s\n"
	    "\tnoauth 2s\n"
	    "\tcrash 5m\n"                                     /* 30 */
	    "\tgrace-exceeded 20s\n"
	    "\trefused 3s\n"
	    "\tmax 1h\n"
	    "\tmin 1m\n"
	    "\texempt 10.0.0.0/8 192.0.2.7\n"                  /* 35 */
	    "\texempt 2001:db8::/32\n"
	    "\tipv4-prefix 24\n"
	    "\tipv6-prefix 48\n"
	    "}\n");
	const struct rp_penalties *pe = &policy->penalties;
	const struct rp_srcpos *pos;
	char buf[64];

	ck_assert_uint_eq(policy->nlistens, 3);
	ck_assert_str_eq(policy->listens[0].text, "0.0.0.0:2222");
	ck_assert_int_eq(policy->listens[0].addr.ss_family, AF_INET);
	ck_assert(policy->listens[0].from_wildcard);
	ck_assert_str_eq(policy->listens[1].text, "[::]:2222");
	ck_assert_int_eq(policy->listens[1].addr.ss_family, AF_INET6);
	ck_assert_uint_eq(ntohs(((struct sockaddr_in6 *)&policy->listens[1].addr)->sin6_port),
	    2222);
	ck_assert(policy->listens[1].from_wildcard);
	ck_assert_uint_eq(policy->listens[1].pos.line, 1);
	ck_assert(!policy->listens[2].from_wildcard);
	ck_assert_str_eq(policy->host_keys[0].path, "keys/host");
	ck_assert_str_eq(policy->server_version, "Bastion_2.0+corp");
	ck_assert_str_eq(policy->kex_algorithms, "curve25519-sha256@libssh.org");
	ck_assert_str_eq(policy->host_key_algorithms, "ssh-ed25519");
	ck_assert_str_eq(policy->ciphers, "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,"
	    "aes256-gcm@openssh.com");
	ck_assert_str_eq(policy->macs, "hmac-sha2-512," DEFAULT_MACS);
	ck_assert_str_eq(policy->pubkey_algorithms, DEFAULT_PUBKEY);
	ck_assert_str_eq(policy->compression, "none");
	ck_assert_uint_eq(policy->login_grace_time_s, 60);
	ck_assert_uint_eq(policy->max_auth_tries, 3);
	ck_assert_uint_eq(policy->idle_timeout_s, 900);
	ck_assert_uint_eq(policy->keepalive_interval_s, 30);
	ck_assert_uint_eq(policy->keepalive_count, 4);
	ck_assert_uint_eq(policy->rekey_limit_bytes, (uint64_t)1 << 30);
	ck_assert_uint_eq(policy->rekey_limit_s, 3600);
	ck_assert_uint_eq(policy->max_connections, 250);
	ck_assert_uint_eq(policy->max_startups_start, 5);
	ck_assert_uint_eq(policy->max_startups_rate, 50);
	ck_assert_uint_eq(policy->max_startups_full, 20);
	ck_assert_int_eq(policy->tcp_nodelay, 0);
	ck_assert_int_eq(policy->log_level, RP_LOG_DEBUG);
	ck_assert_uint_eq(policy->naudit_logs, 2);
	ck_assert_str_eq(policy->audit_logs[0].path, "/var/log/rampart/audit.jsonl");
	ck_assert_ptr_null(policy->audit_logs[1].path);
	ck_assert_uint_eq(policy->audit_logs[1].pos.line, 21);
	ck_assert_int_eq(policy->audit_failure_refuse, 0);
	ck_assert_str_eq(policy->recording_dir, "/var/lib/rampart/recordings");
	ck_assert_str_eq(policy->control_socket, "/run/rampart/ctl.sock");
	ck_assert_str_eq(policy->worker_user, "_rampart");
	ck_assert_str_eq(policy->worker_chroot, "/var/empty");
	ck_assert_int_eq(pe->enabled, 1);
	ck_assert_uint_eq(pe->authfail_s, 30);
	ck_assert_uint_eq(pe->noauth_s, 2);
	ck_assert_uint_eq(pe->crash_s, 300);
	ck_assert_uint_eq(pe->grace_exceeded_s, 20);
	ck_assert_uint_eq(pe->refused_s, 3);
	ck_assert_uint_eq(pe->max_s, 3600);
	ck_assert_uint_eq(pe->min_s, 60);
	ck_assert_uint_eq(pe->exempt.ncidrs, 3);
	ck_assert_str_eq(rp_cidr_format(&pe->exempt.cidrs[1], buf, sizeof(buf)), "192.0.2.7");
	ck_assert_str_eq(rp_cidr_format(&pe->exempt.cidrs[2], buf, sizeof(buf)), "2001:db8::/32");
	ck_assert_uint_eq(pe->ipv4_prefix, 24);
	ck_assert_uint_eq(pe->ipv6_prefix, 48);
	/* Where each setting was given, for `check`. */
	ck_assert_ptr_nonnull(pos = rp_policy_setting_pos(policy, "rekey-limit"));
	ck_assert_uint_eq(pos->line, 15);
	ck_assert_ptr_nonnull(pos = rp_policy_setting_pos(policy, "min"));
	ck_assert_uint_eq(pos->line, 34);
	ck_assert_uint_eq(pos->col, 2);
	ck_assert_ptr_nonnull(pos = rp_policy_setting_pos(policy, "exempt"));
	ck_assert_uint_eq(pos->line, 35);
	ck_assert_ptr_nonnull(pos = rp_policy_setting_pos(policy, "penalties"));
	ck_assert_uint_eq(pos->line, 27);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_penalty_exemptions_match)
{
	struct rp_policy *policy = LOAD_OK(BASE "penalties {\n\texempt 10.0.0.0/8 2001:db8::/32\n}\n");
	struct rp_addr a;

	ck_assert(rp_addr_parse("10.2.3.4", &a));
	ck_assert(rp_policy_penalty_exempt(policy, &a));
	ck_assert(rp_addr_parse("::ffff:10.2.3.4", &a));
	ck_assert(rp_policy_penalty_exempt(policy, &a));
	ck_assert(rp_addr_parse("2001:db8::1", &a));
	ck_assert(rp_policy_penalty_exempt(policy, &a));
	ck_assert(rp_addr_parse("192.0.2.1", &a));
	ck_assert(!rp_policy_penalty_exempt(policy, &a));
	rp_policy_free(policy);
	policy = LOAD_OK(BASE "penalties off\n");
	ck_assert_int_eq(policy->penalties.enabled, 0);
	ck_assert(!rp_policy_penalty_exempt(policy, &a));
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_listen_wildcard)
{
	EXPECT_ERROR(BASE "listen *:22\nlisten [::]:22\n", "t.conf:4:8: listen address '[::]:22' "
	    "is already given at t.conf:3:1; expected each address once");
	EXPECT_ERROR(BASE "listen 0.0.0.0:22\nlisten *:22\n", "t.conf:4:8: listen address "
	    "'0.0.0.0:22' is already given at t.conf:3:1; expected each address once");
	EXPECT_ERROR(BASE "listen *:65536\n", "t.conf:3:8: invalid listen address '*:65536': the "
	    "port must be a number from 0 to 65535; expected *:PORT such as *:22");
	EXPECT_ERROR(BASE "listen *:\n", "t.conf:3:8: invalid listen address '*:': the port "
	    "must be a number from 0 to 65535; expected *:PORT such as *:22");
	EXPECT_ERROR(BASE "listen *\n", "t.conf:3:8: invalid listen address '*': missing ':PORT'; "
	    "expected ADDRESS:PORT with a numeric address, such as 127.0.0.1:2222, [::1]:2222 or "
	    "*:22");
}
END_TEST

START_TEST(test_server_version)
{
	char text[512], want[256];

	EXPECT_ERROR(BASE "server-version rampart-1.0\n", "t.conf:3:23: 'server-version' may not "
	    "contain '-' (RFC 4253 4.2); expected printable US-ASCII without spaces or '-', such "
	    "as rampart_1.0");
	EXPECT_ERROR(BASE "server-version \"ram part\"\n", "t.conf:3:20: 'server-version' may not "
	    "contain a space (RFC 4253 4.2); expected printable US-ASCII without spaces or '-', "
	    "such as rampart_1.0");
	EXPECT_ERROR(BASE "server-version caf\xc3\xa9\n", "t.conf:3:19: 'server-version' may not "
	    "contain non-ASCII text (RFC 4253 4.2); expected printable US-ASCII without spaces or "
	    "'-', such as rampart_1.0");
	EXPECT_ERROR(BASE "server-version \"\"\n", "t.conf:3:16: 'server-version' expects 1 to 200 "
	    "characters, got 0; expected the text after SSH-2.0-, such as rampart_1.0");
	snprintf(text, sizeof(text), BASE "server-version %0201d\n", 0);
	snprintf(want, sizeof(want), "t.conf:3:16: 'server-version' expects 1 to 200 characters, "
	    "got 201; expected the text after SSH-2.0-, such as rampart_1.0");
	EXPECT_ERROR(text, want);
	snprintf(text, sizeof(text), BASE "server-version %0200d\n", 0);
	rp_policy_free(LOAD_OK(text));
	EXPECT_ERROR(BASE "server-version a\nserver-version b\n", "t.conf:4:1: 'server-version' "
	    "is already set at t.conf:3:1; expected it at most once");
}
END_TEST

START_TEST(test_timeouts_and_limits)
{
	struct rp_policy *policy;

	policy = LOAD_OK(BASE "idle-timeout 7d\nkeepalive 1h 100\nrekey-limit 16M 1d\n"
	    "max-connections 100000\nmax-startups 7\n");
	ck_assert_uint_eq(policy->idle_timeout_s, 7 * 86400);
	ck_assert_uint_eq(policy->keepalive_interval_s, 3600);
	ck_assert_uint_eq(policy->keepalive_count, 100);
	ck_assert_uint_eq(policy->rekey_limit_bytes, (uint64_t)16 << 20);
	ck_assert_uint_eq(policy->rekey_limit_s, 86400);
	ck_assert_uint_eq(policy->max_connections, 100000);
	/* A single number N means N:100:N, as in OpenSSH. */
	ck_assert_uint_eq(policy->max_startups_start, 7);
	ck_assert_uint_eq(policy->max_startups_rate, 100);
	ck_assert_uint_eq(policy->max_startups_full, 7);
	rp_policy_free(policy);
	policy = LOAD_OK(BASE "idle-timeout off\nkeepalive off\nrekey-limit default 1m\n"
	    "max-startups 1:1:1\n");
	ck_assert_uint_eq(policy->idle_timeout_s, 0);
	ck_assert_uint_eq(policy->rekey_limit_bytes, 0);
	ck_assert_uint_eq(policy->rekey_limit_s, 60);
	rp_policy_free(policy);
	policy = LOAD_OK(BASE "idle-timeout 10s\nkeepalive 1s 1\nrekey-limit 1T none\n");
	ck_assert_uint_eq(policy->idle_timeout_s, 10);
	ck_assert_uint_eq(policy->rekey_limit_bytes, (uint64_t)1 << 40);
	ck_assert_uint_eq(policy->rekey_limit_s, 0);
	rp_policy_free(policy);

	EXPECT_ERROR(BASE "idle-timeout 9s\n", "t.conf:3:14: 'idle-timeout' expects 'off' or a "
	    "duration from 10s to 7d (such as 30s, 5m or 1h), got '9s'");
	EXPECT_ERROR(BASE "idle-timeout 8d\n", "t.conf:3:14: 'idle-timeout' expects 'off' or a "
	    "duration from 10s to 7d (such as 30s, 5m or 1h), got '8d'");
	EXPECT_ERROR(BASE "idle-timeout never\n", "t.conf:3:14: 'idle-timeout' expects 'off' or a "
	    "duration from 10s to 7d (such as 30s, 5m or 1h), got 'never'");
	EXPECT_ERROR(BASE "keepalive 30s\n", "t.conf:3:11: 'keepalive' expects INTERVAL COUNT or "
	    "'off', got one argument; expected keepalive INTERVAL COUNT | keepalive off");
	EXPECT_ERROR(BASE "keepalive 0s 3\n", "t.conf:3:11: 'keepalive' expects an interval: a "
	    "duration from 1s to 1h (such as 30s, 5m or 1h), got '0s'");
	EXPECT_ERROR(BASE "keepalive 2h 3\n", "t.conf:3:11: 'keepalive' expects an interval: a "
	    "duration from 1s to 1h (such as 30s, 5m or 1h), got '2h'");
	EXPECT_ERROR(BASE "keepalive 30s 0\n", "t.conf:3:15: 'keepalive' expects a COUNT from 1 "
	    "to 100, got '0'");
	EXPECT_ERROR(BASE "keepalive 30s 101\n", "t.conf:3:15: 'keepalive' expects a COUNT from 1 "
	    "to 100, got '101'");
	EXPECT_ERROR(BASE "keepalive off 3\n", "t.conf:3:11: 'keepalive' expects an interval: a "
	    "duration from 1s to 1h (such as 30s, 5m or 1h), got 'off'");
	EXPECT_ERROR(BASE "rekey-limit 15M\n", "t.conf:3:13: 'rekey-limit' expects 'default' or a "
	    "size from 16M to 1T (such as 512M or 1G), got '15M'");
	EXPECT_ERROR(BASE "rekey-limit 2T\n", "t.conf:3:13: 'rekey-limit' expects 'default' or a "
	    "size from 16M to 1T (such as 512M or 1G), got '2T'");
	EXPECT_ERROR(BASE "rekey-limit 1GB\n", "t.conf:3:13: 'rekey-limit' expects 'default' or a "
	    "size from 16M to 1T (such as 512M or 1G), got '1GB'");
	EXPECT_ERROR(BASE "rekey-limit 1G 59s\n", "t.conf:3:16: 'rekey-limit' expects 'none' or a "
	    "duration from 1m to 1d (such as 30s, 5m or 1h), got '59s'");
	EXPECT_ERROR(BASE "rekey-limit 1G 2d\n", "t.conf:3:16: 'rekey-limit' expects 'none' or a "
	    "duration from 1m to 1d (such as 30s, 5m or 1h), got '2d'");
	EXPECT_ERROR(BASE "max-connections 0\n", "t.conf:3:17: 'max-connections' expects a whole "
	    "number from 1 to 100000, got '0'");
	EXPECT_ERROR(BASE "max-connections 100001\n", "t.conf:3:17: 'max-connections' expects a "
	    "whole number from 1 to 100000, got '100001'");
	EXPECT_ERROR(BASE "max-startups 10:30\n", "t.conf:3:14: 'max-startups' expects "
	    "START:RATE:FULL (such as 10:30:100) or a single number, got '10:30'");
	EXPECT_ERROR(BASE "max-startups 10:30:100:1\n", "t.conf:3:14: 'max-startups' expects "
	    "START:RATE:FULL (such as 10:30:100) or a single number, got '10:30:100:1'");
	EXPECT_ERROR(BASE "max-startups a:b:c\n", "t.conf:3:14: 'max-startups' expects "
	    "START:RATE:FULL (such as 10:30:100) or a single number, got 'a:b:c'");
	EXPECT_ERROR(BASE "max-startups 10::100\n", "t.conf:3:14: 'max-startups' expects "
	    "START:RATE:FULL (such as 10:30:100) or a single number, got '10::100'");
	EXPECT_ERROR(BASE "max-startups 101:30:100\n", "t.conf:3:14: 'max-startups' START 101 is "
	    "more than FULL 100; expected START <= FULL");
	EXPECT_ERROR(BASE "max-startups 10:0:100\n", "t.conf:3:14: 'max-startups' expects RATE (a "
	    "percentage) from 1 to 100, got '10:0:100'");
	EXPECT_ERROR(BASE "max-startups 10:101:100\n", "t.conf:3:14: 'max-startups' expects RATE "
	    "(a percentage) from 1 to 100, got '10:101:100'");
	EXPECT_ERROR(BASE "max-startups 0:30:100\n", "t.conf:3:14: 'max-startups' expects START "
	    "and FULL from 1 to 100000, got '0:30:100'");
	EXPECT_ERROR(BASE "max-startups 0\n", "t.conf:3:14: 'max-startups' expects START and FULL "
	    "from 1 to 100000, got '0'");
}
END_TEST

START_TEST(test_keywords_and_paths)
{
	struct rp_policy *policy;

	EXPECT_ERROR(BASE "tcp-nodelay on\n", "t.conf:3:13: 'tcp-nodelay' expects 'yes' or 'no', "
	    "got 'on'");
	EXPECT_ERROR(BASE "tcp-nodelay \"yes\"\n", "t.conf:3:13: 'tcp-nodelay' expects 'yes' or "
	    "'no', got 'yes'");
	EXPECT_ERROR(BASE "log-level verbose\n", "t.conf:3:11: 'log-level' expects one of error, "
	    "warn, info, debug, got 'verbose'");
	EXPECT_ERROR(BASE "audit-failure ignore\n", "t.conf:3:15: 'audit-failure' expects 'refuse' "
	    "or 'continue', got 'ignore'");
	EXPECT_ERROR(BASE "audit-log syslog\naudit-log syslog\n", "t.conf:4:11: audit log 'syslog' "
	    "is already given at t.conf:3:1; expected each destination once");
	EXPECT_ERROR(BASE "audit-log /a\naudit-log /a\n", "t.conf:4:11: audit log '/a' is already "
	    "given at t.conf:3:1; expected each destination once");
	EXPECT_ERROR(BASE "audit-log \"\"\n", "t.conf:3:11: empty path; expected a file name");
	EXPECT_ERROR(BASE "recording-dir recordings\n", "t.conf:3:15: 'recording-dir' expects an "
	    "absolute path, got 'recordings'");
	EXPECT_ERROR(BASE "control-socket ctl.sock\n", "t.conf:3:16: 'control-socket' expects an "
	    "absolute path, got 'ctl.sock'");
	EXPECT_ERROR(BASE "control-socket /a\ncontrol-socket /b\n", "t.conf:4:1: 'control-socket' "
	    "is already set at t.conf:3:1; expected it at most once");
	for (const char *const *l = (const char *const[]){ "error", "warn", "info", "debug", NULL };
	    *l != NULL; l++) {
		char text[128];
		enum rp_log_level want;
		snprintf(text, sizeof(text), BASE "log-level %s\n", *l);
		policy = LOAD_OK(text);
		ck_assert(rp_log_level_from_name(*l, &want));
		ck_assert_int_eq(policy->log_level, want);
		rp_policy_free(policy);
	}
	/* "syslog" in quotes is a file called syslog. */
	policy = LOAD_OK(BASE "audit-log \"syslog\"\naudit-log syslog\n");
	ck_assert_str_eq(policy->audit_logs[0].path, "syslog");
	ck_assert_ptr_null(policy->audit_logs[1].path);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_penalties_errors)
{
	EXPECT_ERROR(BASE "penalties\n", "t.conf:3:1: 'penalties' expects a block or 'off'; "
	    "expected penalties { ... } | penalties off");
	EXPECT_ERROR(BASE "penalties on\n", "t.conf:3:11: 'penalties' expects a block or 'off'; "
	    "expected penalties { ... } | penalties off");
	EXPECT_ERROR(BASE "penalties off {\n}\n", "t.conf:3:11: 'penalties off' with a block; "
	    "expected 'penalties {' or 'penalties off'");
	EXPECT_ERROR(BASE "penalties off\npenalties {\n}\n", "t.conf:4:1: 'penalties' is already "
	    "set at t.conf:3:1; expected it at most once");
	EXPECT_ERROR(BASE "penalties {\n\tauthfail 1s\n\tauthfail 2s\n}\n", "t.conf:5:2: "
	    "'authfail' is already set at t.conf:4:2; expected it at most once");
	EXPECT_ERROR(BASE "penalties {\n\tauthfail 2h\n}\n", "t.conf:4:11: 'authfail' expects a "
	    "duration from 0s to 1h (such as 30s, 5m or 1h), got '2h'");
	EXPECT_ERROR(BASE "penalties {\n\tmax 0s\n}\n", "t.conf:4:6: 'max' expects a duration "
	    "from 1s to 1d (such as 30s, 5m or 1h), got '0s'");
	EXPECT_ERROR(BASE "penalties {\n\tmin 2d\n}\n", "t.conf:4:6: 'min' expects a duration "
	    "from 1s to 1d (such as 30s, 5m or 1h), got '2d'");
	EXPECT_ERROR(BASE "penalties {\n\tmin 20m\n}\n", "t.conf:4:2: penalties: 'min' 20m is "
	    "more than 'max' 10m; expected min <= max, or no source would ever be refused");
	EXPECT_ERROR(BASE "penalties {\n\tmax 10s\n}\n", "t.conf:4:2: penalties: 'min' 15s is "
	    "more than 'max' 10s; expected min <= max, or no source would ever be refused");
	EXPECT_ERROR(BASE "penalties {\n\texempt any\n}\n", "t.conf:4:9: invalid source 'any': "
	    "not a numeric IPv4 or IPv6 address; expected addresses and networks such as "
	    "10.0.0.0/8 or 2001:db8::/32");
	EXPECT_ERROR(BASE "penalties {\n\tipv4-prefix 33\n}\n", "t.conf:4:14: 'ipv4-prefix' "
	    "expects a whole number from 1 to 32, got '33'");
	EXPECT_ERROR(BASE "penalties {\n\tipv6-prefix 0\n}\n", "t.conf:4:14: 'ipv6-prefix' "
	    "expects a whole number from 1 to 128, got '0'");
	EXPECT_ERROR(BASE "penalties {\n\tcrash\n}\n", "t.conf:4:2: 'crash' takes 1 argument, "
	    "got 0; expected crash DURATION");
	EXPECT_ERROR(BASE "penalties {\n", "t.conf:4:1: end of file inside the 'penalties' block "
	    "opened at t.conf:3:1; expected '}'");
}
END_TEST

/* --- advice --------------------------------------------------------------- */

struct warnings {
	char msg[16][512];
	size_t n;
};

static void
collect(void *ctx, const char *message)
{
	struct warnings *w = ctx;

	ck_assert(w->n < 16);
	snprintf(w->msg[w->n++], sizeof(w->msg[0]), "%s", message);
}

START_TEST(test_advice)
{
	struct rp_policy *policy = LOAD_OK(BASE "refuse from 10.0.0.0/8\n"
	    "group g {\n\tmembers a\n\tallow login\n}\n"
	    "group s {\n\tsystem-group staff\n}\n"
	    "user a {\n}\nuser b {\n\tallow exec\n}\n");
	struct rp_policy_diag diag;
	struct warnings w;

	memset(&diag, 0, sizeof(diag));
	memset(&w, 0, sizeof(w));
	diag.warn = collect;
	diag.warn_ctx = &w;
	rp_policy_advise(policy, &diag);
	ck_assert_uint_eq(w.n, 3);
	ck_assert_str_eq(w.msg[0], "t.conf: no 'admit' rule: every connection is refused; add "
	    "one such as admit from 10.0.0.0/8, or admit from any");
	ck_assert_str_eq(w.msg[1], "t.conf: no audit log: add 'audit-log PATH' or 'audit-log "
	    "syslog' to keep a record of connections and logins");
	ck_assert_str_eq(w.msg[2], "t.conf:13:1: user b has no 'allow login' rule, in their block "
	    "or their groups', and cannot log in");
	rp_policy_free(policy);

	policy = LOAD_OK(BASE "admit from any\naudit-log syslog\n"
	    "group s {\n\tsystem-group staff\n\tallow login\n}\nuser b {\n}\n");
	memset(&w, 0, sizeof(w));
	rp_policy_advise(policy, &diag);
	ck_assert_uint_eq(w.n, 0); /* b may be in staff when logging in */
	rp_policy_free(policy);
	/* Without a diag, advice goes nowhere. */
	policy = LOAD_OK(BASE);
	rp_policy_advise(policy, NULL);
	rp_policy_free(policy);
}
END_TEST

START_TEST(test_advice_auth_none)
{
	struct rp_policy *policy = LOAD_OK(BASE "admit from any\naudit-log syslog\n"
	    "group open {\n\tmembers a b c\n\tsystem-group guests\n\tauth none\n"
	    "\tallow login\n}\n"
	    "group keyed {\n\tmembers c\n\tauth publickey\n}\n"
	    "user a {\n}\n"
	    "user b {\n\tauth publickey\n\tauthorized-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"
	    "NegXv2XsYUBH3ZDU5VEfjvc4UuUbCOy0dGzRtV8xBB2\"\n}\n"
	    "user d {\n\tauth none\n\tallow login\n}\n");
	struct rp_policy_diag diag;
	struct warnings w;

	memset(&diag, 0, sizeof(diag));
	memset(&w, 0, sizeof(w));
	diag.warn = collect;
	diag.warn_ctx = &w;
	rp_policy_advise(policy, &diag);
	/* a (user block without auth lines, in group open), c (listed, no
	 * user block), d (its own block), and whoever is in Unix group
	 * guests; not b, whose block has its own auth lines. */
	ck_assert_uint_eq(w.n, 4);
	ck_assert_str_eq(w.msg[0], "t.conf:8:2: a can log in without any credential ('auth "
	    "none' of group open)");
	ck_assert_str_eq(w.msg[1], "t.conf:22:2: d can log in without any credential ('auth "
	    "none' of user d)");
	ck_assert_str_eq(w.msg[2], "t.conf:8:2: c can log in without any credential ('auth "
	    "none' of group open)");
	ck_assert_str_eq(w.msg[3], "t.conf:8:2: members of the Unix groups of group open can log "
	    "in without any credential ('auth none'), unless their user block or an earlier "
	    "group has auth lines");
	rp_policy_free(policy);
}
END_TEST

/* --- host certificates and the banner ---------------------------------------- */

START_TEST(test_host_certificates)
{
	struct rp_policy *policy = LOAD_OK(BASE "host-certificate /etc/rampart/host-cert.pub\n"
	    "host-certificate rel-cert.pub\n");

	ck_assert_uint_eq(policy->nhost_certificates, 2);
	ck_assert_str_eq(policy->host_certificates[0].path, "/etc/rampart/host-cert.pub");
	ck_assert_uint_eq(policy->host_certificates[0].pos.line, 3);
	ck_assert_str_eq(policy->host_certificates[1].path, "rel-cert.pub");
	/* With a host certificate, the default offers the certificate first. */
	ck_assert_str_eq(policy->host_key_algorithms, HOSTCERT_ALGS "," HOSTKEY_ALGS);
	rp_policy_free(policy);

	policy = LOAD_OK(BASE);
	ck_assert_str_eq(policy->host_key_algorithms, HOSTKEY_ALGS);
	ck_assert_uint_eq(policy->nhost_certificates, 0);
	rp_policy_free(policy);

	/* Edits apply to the default with certificates, wherever the
	 * host-certificate line stands. */
	policy = LOAD_OK(BASE "host-key-algorithms -ssh-ed25519,ecdsa-*,rsa-*\n"
	    "host-certificate /c\n");
	ck_assert_str_eq(policy->host_key_algorithms, "ssh-ed25519-cert-v01@openssh.com");
	rp_policy_free(policy);
	policy = LOAD_OK(BASE "host-certificate /c\nhost-key-algorithms ^ssh-ed25519\n");
	ck_assert_str_eq(policy->host_key_algorithms, "ssh-ed25519," HOSTCERT_ALGS
	    ",ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,"
	    "rsa-sha2-256");
	rp_policy_free(policy);
	policy = LOAD_OK(BASE "host-certificate /c\nhost-key-algorithms ssh-ed25519\n");
	ck_assert_str_eq(policy->host_key_algorithms, "ssh-ed25519");
	rp_policy_free(policy);
	/* Without one, the certificate algorithm may still be asked for. */
	policy = LOAD_OK(BASE "host-key-algorithms +ssh-ed25519-cert-v01@openssh.com\n");
	ck_assert_str_eq(policy->host_key_algorithms, HOSTKEY_ALGS
	    ",ssh-ed25519-cert-v01@openssh.com");
	rp_policy_free(policy);
	EXPECT_ERROR(BASE "host-key-algorithms -ssh-ed25519,ecdsa-*,rsa-*\n", "t.conf:3:21: "
	    "'host-key-algorithms': the list leaves no host key algorithm; expected at least one");
	EXPECT_ERROR(BASE "host-key-algorithms \"-ssh-ed25519*,ecdsa-*,rsa-*\"\n", "t.conf:3:22: "
	    "'host-key-algorithms': the list leaves no host key algorithm; expected at least one");

	EXPECT_ERROR(BASE "host-certificate /c\nhost-certificate /c\n", "t.conf:4:18: host "
	    "certificate '/c' is already given at t.conf:3:1; expected each host certificate once");
	EXPECT_ERROR(BASE "host-certificate \"\"\n", "t.conf:3:18: empty path; expected a file "
	    "name");
	EXPECT_ERROR(BASE "user u {\n\thost-certificate /c\n}\n", "t.conf:4:2: "
	    "'host-certificate' belongs at top level, not inside a 'user NAME { ... }' block; "
	    "expected one of: allow, deny, auth, authorized-key, authorized-keys-file, "
	    "trusted-user-ca, trusted-user-ca-file, password-hash, password, totp-secrets, "
	    "totp-prompt, auth-instruction, totp-digits, totp-period, totp-algorithm, "
	    "totp-window, max-sessions, record-sessions, banner, banner-file");
}
END_TEST

START_TEST(test_top_level_banner)
{
	char dir[] = "/tmp/rampart-banner-XXXXXX", path[64], text[256], want[256];
	struct rp_policy *policy = LOAD_OK(BASE "banner \"Authorised use only.\"\n"
	    "user u {\n\tbanner \"hello u\"\n}\n");
	struct rp_principal pr;
	FILE *f;

	ck_assert_str_eq(policy->banner, "Authorised use only.");
	ck_assert_ptr_null(policy->banner_file);
	ck_assert_ptr_nonnull(rp_policy_setting_pos(policy, "banner"));
	ck_assert_uint_eq(rp_policy_setting_pos(policy, "banner")->line, 3);
	/* The principal's own banner is another one, shown after login. */
	ck_assert(rp_policy_resolve(policy, "u", &pr));
	ck_assert_str_eq(rp_principal_banner(&pr), "hello u");
	rp_principal_clear(&pr);
	rp_policy_free(policy);

	policy = LOAD_OK(BASE "user u {\n}\n");
	ck_assert_ptr_null(policy->banner);
	ck_assert(rp_policy_resolve(policy, "u", &pr));
	ck_assert_ptr_null(rp_principal_banner(&pr));
	rp_principal_clear(&pr);
	rp_policy_free(policy);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/banner.txt", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("Monitored.\n", f);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(text, sizeof(text), BASE "banner-file %s\n", path);
	policy = LOAD_OK(text);
	ck_assert_str_eq(policy->banner, "Monitored.\n");
	ck_assert_str_eq(policy->banner_file, path);
	rp_policy_free(policy);

	snprintf(text, sizeof(text), BASE "banner \"a\"\nbanner-file %s\n", path);
	EXPECT_ERROR(text, "t.conf:4:1: 'banner-file' conflicts with 'banner' at t.conf:3:1; "
	    "expected one of them");
	EXPECT_ERROR(BASE "banner \"a\"\nbanner \"b\"\n", "t.conf:4:1: 'banner' is already set "
	    "at t.conf:3:1; expected it at most once");
	EXPECT_ERROR(BASE "banner \"\"\n", "t.conf:3:8: empty banner; expected some text, or no "
	    "banner line at all");
	snprintf(text, sizeof(text), BASE "banner-file %s/none\n", dir);
	snprintf(want, sizeof(want), "t.conf:3:13: cannot read banner file '%s/none': No such "
	    "file or directory; expected a readable text file of at most 16 KiB", dir);
	EXPECT_ERROR(text, want);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* --- algorithm lists ----------------------------------------------------- */

static void
expect_edit(enum rp_alg_kind kind, const char *text, const char *want, int line)
{
	char why[512], *out;
	size_t offset;

	ck_assert_msg(rp_alg_edit(kind, 0, text, &out, why, sizeof(why), &offset),
	    "line %d: '%s' refused: %s", line, text, why);
	ck_assert_msg(strcmp(out, want) == 0, "line %d: '%s' gave\n  %s\nexpected\n  %s", line,
	    text, out, want);
	free(out);
}

static void
expect_edit_error(enum rp_alg_kind kind, const char *text, size_t at, const char *want,
    int line)
{
	char why[512], *out;
	size_t offset;

	ck_assert_msg(!rp_alg_edit(kind, 0, text, &out, why, sizeof(why), &offset),
	    "line %d: '%s' accepted", line, text);
	ck_assert_ptr_null(out);
	ck_assert_msg(strcmp(why, want) == 0, "line %d: '%s': error\n  %s\nexpected\n  %s", line,
	    text, why, want);
	ck_assert_msg(offset == at, "line %d: '%s': offset %zu, expected %zu", line, text, offset,
	    at);
}

#define EDIT(kind, text, want) expect_edit((kind), (text), (want), __LINE__)
#define EDIT_ERROR(kind, text, at, want) expect_edit_error((kind), (text), (at), (want), __LINE__)

START_TEST(test_algorithm_edits)
{
	/* Replace, in the order given. */
	EDIT(RP_ALG_CIPHER, "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com",
	    "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com");
	/* Append: names already in the default stay where they are. */
	EDIT(RP_ALG_CIPHER, "+aes128-ctr", DEFAULT_CIPHERS);
	/* Remove, with wildcards; a not-yet-implemented name is fine here. */
	EDIT(RP_ALG_CIPHER, "-aes128-ctr,aes192-ctr,aes256-cbc", "chacha20-poly1305@openssh.com,"
	    "aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes256-ctr");
	EDIT(RP_ALG_CIPHER, "-*-ctr", "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,"
	    "aes256-gcm@openssh.com");
	EDIT(RP_ALG_CIPHER, "-aes1?8-gcm@openssh.com,aes2?6-gcm@openssh.com", "chacha20-poly1305@openssh.com,"
	    "aes128-ctr,aes192-ctr,aes256-ctr");
	EDIT(RP_ALG_CIPHER, "-*cbc", DEFAULT_CIPHERS);
	EDIT(RP_ALG_MAC, "-hmac-*", "umac-128-etm@openssh.com");
	EDIT(RP_ALG_MAC, "-umac-64@openssh.com", DEFAULT_MACS);
	/* Out of the default, but implemented: they may be asked for. */
	EDIT(RP_ALG_MAC, "+hmac-sha2-256,umac-64-etm@openssh.com",
	    DEFAULT_MACS ",hmac-sha2-256,umac-64-etm@openssh.com");
	EDIT(RP_ALG_KEX, "+ecdh-sha2-nistp256", DEFAULT_KEX ",ecdh-sha2-nistp256");
	/* Put first. */
	EDIT(RP_ALG_CIPHER, "^aes256-ctr,aes128-ctr", "aes256-ctr,aes128-ctr,"
	    "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
	    "aes192-ctr");
	EDIT(RP_ALG_KEX, "^curve25519-sha256@libssh.org",
	    "curve25519-sha256@libssh.org,mlkem768x25519-sha256,sntrup761x25519-sha512,"
	    "sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
	    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
	    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256");
	EDIT(RP_ALG_KEX, "-sntrup761x25519-sha512@openssh.com,mlkem768x25519-sha256,ecdh-*,"
	    "diffie-hellman-*", "sntrup761x25519-sha512,curve25519-sha256,"
	    "curve25519-sha256@libssh.org");
	EDIT(RP_ALG_KEX, "-diffie-hellman-group-exchange-sha256", "mlkem768x25519-sha256,"
	    "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
	    "curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,"
	    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256");
	EDIT(RP_ALG_KEX, "-diffie-hellman-group-exchange-sha1", DEFAULT_KEX);
	EDIT(RP_ALG_HOSTKEY, "ssh-ed25519", "ssh-ed25519");
	EDIT(RP_ALG_PUBKEY, "-rsa-sha2-*", "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	    "ecdsa-sha2-nistp521,ssh-ed25519-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp521-cert-v01@openssh.com");
	EDIT(RP_ALG_PUBKEY, "-*-cert-v01@openssh.com,ecdsa-*", "ssh-ed25519,rsa-sha2-512,"
	    "rsa-sha2-256");
	/* SHA-1 is implemented but out of the default: it may be asked for. */
	EDIT(RP_ALG_PUBKEY, "+ssh-rsa", DEFAULT_PUBKEY ",ssh-rsa");
	EDIT(RP_ALG_PUBKEY, "ssh-ed25519,ssh-rsa-cert-v01@openssh.com",
	    "ssh-ed25519,ssh-rsa-cert-v01@openssh.com");
	EDIT(RP_ALG_PUBKEY, "-ssh-rsa", DEFAULT_PUBKEY);
	EDIT(RP_ALG_COMPRESSION, "none", "none");
	EDIT(RP_ALG_COMPRESSION, "-zlib@openssh.com", "none");
	/* Plain zlib (before authentication) only when asked for. */
	EDIT(RP_ALG_COMPRESSION, "+zlib", "none,zlib@openssh.com,zlib");
	EDIT(RP_ALG_COMPRESSION, "^zlib@openssh.com", "zlib@openssh.com,none");

	/* Known names rampart does not have yet. */
	EDIT_ERROR(RP_ALG_CIPHER, "+aes256-cbc", 1, "cipher 'aes256-cbc' is not implemented yet; "
	    "expected one of: " DEFAULT_CIPHERS);
	EDIT_ERROR(RP_ALG_KEX, "curve25519-sha256,diffie-hellman-group14-sha1", 18,
	    "key exchange algorithm 'diffie-hellman-group14-sha1' is not implemented yet; "
	    "expected one of: " ALL_KEX);
	EDIT_ERROR(RP_ALG_KEX, "+diffie-hellman-group-exchange-sha1", 1, "key exchange "
	    "algorithm 'diffie-hellman-group-exchange-sha1' is not implemented yet; expected one "
	    "of: " ALL_KEX);
	EDIT_ERROR(RP_ALG_MAC, "hmac-sha1-etm@openssh.com", 0, "MAC 'hmac-sha1-etm@openssh.com' is "
	    "not implemented yet; expected one of: " ALL_MACS);
	EDIT_ERROR(RP_ALG_HOSTKEY, "sk-ssh-ed25519@openssh.com", 0, "host key algorithm "
	    "'sk-ssh-ed25519@openssh.com' is not implemented yet; expected one of: "
	    HOSTCERT_ALGS "," HOSTKEY_ALGS);
	EDIT_ERROR(RP_ALG_PUBKEY, "+sk-ssh-ed25519@openssh.com", 1, "public key algorithm "
	    "'sk-ssh-ed25519@openssh.com' is not implemented yet; expected one of: "
	    DEFAULT_PUBKEY_ALL);
	EDIT_ERROR(RP_ALG_COMPRESSION, "zlib@openssh.com,lz4", 17, "unknown compression method "
	    "'lz4'; expected one of: none,zlib@openssh.com,zlib");
	/* Unknown names, in any list. */
	EDIT_ERROR(RP_ALG_CIPHER, "aes128-ctr,blowfish", 11, "unknown cipher 'blowfish'; expected "
	    "one of: " DEFAULT_CIPHERS);
	EDIT_ERROR(RP_ALG_CIPHER, "-aes128-ctrr", 1, "unknown cipher 'aes128-ctrr'; expected one "
	    "of: " DEFAULT_CIPHERS);
	EDIT_ERROR(RP_ALG_MAC, "hmac-sha2-256-etm", 0, "unknown MAC 'hmac-sha2-256-etm'; expected "
	    "one of: " ALL_MACS);
	/* Shape. */
	EDIT_ERROR(RP_ALG_CIPHER, "", 0, "empty name in the list");
	EDIT_ERROR(RP_ALG_CIPHER, "+", 1, "empty name in the list");
	EDIT_ERROR(RP_ALG_CIPHER, "aes128-ctr,", 11, "empty name in the list");
	EDIT_ERROR(RP_ALG_CIPHER, "aes128-ctr,,aes256-ctr", 11, "empty name in the list");
	EDIT_ERROR(RP_ALG_CIPHER, "aes128-ctr,aes128-ctr", 11, "'aes128-ctr' is listed twice; "
	    "expected each name once");
	EDIT_ERROR(RP_ALG_CIPHER, "aes*", 0, "'aes*': wildcards are only allowed in a '-' list");
	EDIT_ERROR(RP_ALG_CIPHER, "^aes*-gcm@openssh.com", 1, "'aes*-gcm@openssh.com': wildcards "
	    "are only allowed in a '-' list");
	/* Bounds on what a list may hold. */
	{
		char name[80], list[64 * 12];
		size_t off = 0;
		memset(name, 'a', 64);
		name[64] = '\0';
		EDIT_ERROR(RP_ALG_CIPHER, name, 0, "name too long");
		for (int i = 0; i < 65; i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%sx%d", i ? "," : "", i);
		EDIT_ERROR(RP_ALG_CIPHER, list, 10 * 3 + 54 * 4, "too many names in the list");
	}
	/* Nothing left. */
	EDIT_ERROR(RP_ALG_CIPHER, "-*", 0, "the list leaves no cipher; expected at least one");
	EDIT_ERROR(RP_ALG_HOSTKEY, "-ssh-ed25519,ecdsa-*,rsa-*", 0, "the list leaves no host key algorithm; "
	    "expected at least one");
	EDIT_ERROR(RP_ALG_COMPRESSION, "-none,zlib*", 0, "the list leaves no compression method; "
	    "expected at least one");
}
END_TEST

START_TEST(test_algorithm_directives_point_at_the_name)
{
	EXPECT_ERROR(BASE "ciphers aes128-ctr,aes256-cbc\n", "t.conf:3:20: 'ciphers': cipher "
	    "'aes256-cbc' is not implemented yet; expected one of: " DEFAULT_CIPHERS);
	EXPECT_ERROR(BASE "macs \"+hmac-md5\"\n", "t.conf:3:8: 'macs': unknown MAC 'hmac-md5'; "
	    "expected one of: " ALL_MACS);
	EXPECT_ERROR(BASE "kex-algorithms -curve25519-*,*x25519*,ecdh-*,diffie-*\n",
	    "t.conf:3:16: "
	    "'kex-algorithms': the "
	    "list leaves no key exchange algorithm; expected at least one");
	EXPECT_ERROR(BASE "compression zstd\n", "t.conf:3:13: 'compression': unknown compression "
	    "method 'zstd'; expected one of: none,zlib@openssh.com,zlib");
	EXPECT_ERROR(BASE "host-key-algorithms ssh-dss\n", "t.conf:3:21: 'host-key-algorithms': "
	    "unknown host key algorithm 'ssh-dss'; expected one of: "
	    HOSTCERT_ALGS "," HOSTKEY_ALGS);
	EXPECT_ERROR(BASE "pubkey-algorithms ssh-ed25519,ssh-dss\n", "t.conf:3:31: "
	    "'pubkey-algorithms': unknown public key algorithm 'ssh-dss'; expected one of: "
	    DEFAULT_PUBKEY_ALL);
	EXPECT_ERROR(BASE "ciphers aes128-ctr aes256-ctr\n", "t.conf:3:20: 'ciphers' takes 1 "
	    "argument, got 2; expected ciphers [+-^]NAME,...");
	EXPECT_ERROR(BASE "ciphers -aes128-ctr\nciphers +aes128-ctr\n", "t.conf:4:1: 'ciphers' is "
	    "already set at t.conf:3:1; expected it at most once");
}
END_TEST

RP_TEST_SUITE(policy_settings)
{
	Suite *s = suite_create("policy_settings");
	TCase *settings = tcase_create("settings");
	TCase *algorithms = tcase_create("algorithms");

	tcase_add_test(settings, test_defaults);
	tcase_add_test(settings, test_every_setting_with_its_value);
	tcase_add_test(settings, test_refuse_client_version);
	tcase_add_test(settings, test_penalty_exemptions_match);
	tcase_add_test(settings, test_listen_wildcard);
	tcase_add_test(settings, test_server_version);
	tcase_add_test(settings, test_timeouts_and_limits);
	tcase_add_test(settings, test_keywords_and_paths);
	tcase_add_test(settings, test_penalties_errors);
	tcase_add_test(settings, test_advice);
	tcase_add_test(settings, test_advice_auth_none);
	tcase_add_test(settings, test_host_certificates);
	tcase_add_test(settings, test_top_level_banner);
	suite_add_tcase(s, settings);

	tcase_add_test(algorithms, test_algorithm_edits);
	tcase_add_test(algorithms, test_algorithm_directives_point_at_the_name);
	suite_add_tcase(s, algorithms);
	return s;
}
