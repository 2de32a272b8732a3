/* support.c - see support.h. */
#define _GNU_SOURCE /* F_OFD_GETLK */
#include "support.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>

extern char **environ;

char *ts_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    if (!s)
        abort();
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *ts_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = ts_strf("%s/shelf-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpl))
        abort();
    return tmpl;
}

void ts_rmtree(const char *path)
{
    char *cmd = ts_strf("rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", path);
    free(cmd);
}

static void make_parents(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
}

char *ts_write_file(const char *dir, const char *name, const void *data, size_t n)
{
    char *path = ts_strf("%s/%s", dir, name);
    make_parents(path);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0)
        abort();
    return path;
}

int ts_lock_free(const char *index_dir)
{
    char *path = ts_strf("%s/LOCK", index_dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return errno == ENOENT;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    int free_now = fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_UNLCK;
    close(fd);
    return free_now;
}

char *ts_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (!buf)
        abort();
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int ts_run(const char *cmd, char **out, char **err_out)
{
    char *dir = ts_mkdtemp();
    char *out_path = ts_strf("%s/out", dir);
    char *err_path = ts_strf("%s/err", dir);
    char *full = ts_strf("(%s) >'%s' 2>'%s' </dev/null", cmd, out_path, err_path);
    int status = system(full);
    int rc = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    if (out)
        *out = ts_read_file(out_path, NULL);
    if (err_out)
        *err_out = ts_read_file(err_path, NULL);
    ts_rmtree(dir);
    free(full);
    free(out_path);
    free(err_path);
    free(dir);
    return rc;
}

/* ---- pseudo-random numbers and exact-size buffers ---- */

uint64_t ts_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t ts_rand_below(uint64_t *state, uint64_t n)
{
    return ts_rand(state) % n;
}

void *ts_exact_copy(const void *data, size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    if (n)
        memcpy(p, data, n);
    return p;
}

int ts_spawn(const char *const *argv, const char *scratch_dir, const char *crash_after, char **out,
             char **err, int *signo)
{
    char *out_path = ts_strf("%s/out.%ld", scratch_dir, (long)getpid());
    char *err_path = ts_strf("%s/err.%ld", scratch_dir, (long)getpid());
    /* posix_spawn, not fork: much cheaper for a sanitized parent. */
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0 ||
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
        posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) != 0 ||
        posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) != 0)
        abort();
    size_t nenv = 0;
    while (environ[nenv])
        nenv++;
    char **envp = calloc(nenv + 2, sizeof *envp);
    char *crash_var = NULL;
    size_t k = 0;
    if (!envp)
        abort();
    for (size_t i = 0; i < nenv; i++)
        if (strncmp(environ[i], "SHELF_CRASH_AFTER=", 18) != 0)
            envp[k++] = environ[i];
    if (crash_after)
        envp[k++] = crash_var = ts_strf("SHELF_CRASH_AFTER=%s", crash_after);
    envp[k] = NULL;
    fflush(NULL);
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, envp) != 0)
        abort();
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    free(crash_var);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            abort();
    if (out)
        *out = ts_read_file(out_path, NULL);
    if (err)
        *err = ts_read_file(err_path, NULL);
    unlink(out_path);
    unlink(err_path);
    free(out_path);
    free(err_path);
    if (signo)
        *signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define SPAWN_MAX_ARGS 64

int ts_spawn_va(const char *prog, const char *scratch_dir, char **out, char **err, va_list ap)
{
    const char *argv[SPAWN_MAX_ARGS];
    int n = 0;
    argv[n++] = prog;
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL) {
        if (n == SPAWN_MAX_ARGS - 1)
            abort();
        argv[n++] = a;
    }
    argv[n] = NULL;
    return ts_spawn(argv, scratch_dir, NULL, out, err, NULL);
}

void ts_sb_addn(ts_sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void ts_sb_add(ts_sbuf *b, const char *s)
{
    ts_sb_addn(b, s, strlen(s));
}

char *ts_sb_take(ts_sbuf *b)
{
    if (!b->s)
        ts_sb_addn(b, "", 0);
    return b->s;
}

/* Some line of text contains both a and b. */
int ts_line_with(const char *text, const char *a, const char *b)
{
    const char *line = text;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *copy = strndup(line, len);
        int hit = strstr(copy, a) && strstr(copy, b);
        free(copy);
        if (hit)
            return 1;
        line = end ? end + 1 : NULL;
    }
    return 0;
}

#define TS_CHURN_MAX 8
#define TS_CHURN_HELD 512

struct ts_churn {
    pthread_t threads[TS_CHURN_MAX];
    int count;
    volatile int running;
};

static void *churn_main(void *arg)
{
    ts_churn *c = arg;
    void *held[TS_CHURN_HELD];
    while (c->running) {
        for (size_t i = 0; i < TS_CHURN_HELD; i++)
            held[i] = malloc(16 + (i * 37) % 2048);
        for (size_t i = 0; i < TS_CHURN_HELD; i++)
            free(held[i]);
    }
    return NULL;
}

ts_churn *ts_churn_start(int threads)
{
    ts_churn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->running = 1;
    for (int i = 0; i < threads && i < TS_CHURN_MAX; i++)
        if (pthread_create(&c->threads[c->count], NULL, churn_main, c) == 0)
            c->count++;
    return c;
}

void ts_churn_stop(ts_churn *c)
{
    if (!c)
        return;
    c->running = 0;
    for (int i = 0; i < c->count; i++)
        pthread_join(c->threads[i], NULL);
    free(c);
}
