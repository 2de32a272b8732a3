/*
 * replay.c - the fuzz_replay test: every fuzz target, built without
 * libFuzzer, run over each file of tests/fuzz/regressions/<target>/ (every
 * crash ever found) and tests/fuzz/seeds/<target>/ (a few small seeds).
 * A broken expectation or a sanitizer report aborts, failing the test.
 *
 * Usage: fuzz_replay                    all targets, committed inputs
 *        fuzz_replay TARGET FILE...     one target over the given files
 *
 * Each target's LLVMFuzzerTestOneInput is compiled as shelf_fuzz_<name>
 * (tests/fuzz/CMakeLists.txt), so all of them live in one program.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_BYTES 4096

typedef int (*fuzz_entry)(const uint8_t *data, size_t size);

int shelf_fuzz_analyzer(const uint8_t *data, size_t size);
int shelf_fuzz_query(const uint8_t *data, size_t size);
int shelf_fuzz_snippet(const uint8_t *data, size_t size);
int shelf_fuzz_pdf(const uint8_t *data, size_t size);
int shelf_fuzz_pdfwire(const uint8_t *data, size_t size);
int shelf_fuzz_html(const uint8_t *data, size_t size);
int shelf_fuzz_markdown(const uint8_t *data, size_t size);
int shelf_fuzz_text(const uint8_t *data, size_t size);
int shelf_fuzz_index(const uint8_t *data, size_t size);
int shelf_fuzz_json(const uint8_t *data, size_t size);
int shelf_fuzz_zipdoc(const uint8_t *data, size_t size);

typedef struct target {
    const char *name;
    fuzz_entry run;
} target;

static const target targets[] = {
    {"analyzer", shelf_fuzz_analyzer}, {"query", shelf_fuzz_query},
    {"snippet", shelf_fuzz_snippet},   {"pdf", shelf_fuzz_pdf},
    {"pdfwire", shelf_fuzz_pdfwire},
    {"html", shelf_fuzz_html},         {"markdown", shelf_fuzz_markdown},
    {"text", shelf_fuzz_text},         {"index", shelf_fuzz_index},
    {"json", shelf_fuzz_json},         {"zipdoc", shelf_fuzz_zipdoc},
};
#define TARGET_COUNT (sizeof targets / sizeof *targets)

static const target *find_target(const char *name)
{
    for (size_t i = 0; i < TARGET_COUNT; i++)
        if (strcmp(targets[i].name, name) == 0)
            return &targets[i];
    return NULL;
}

/* Read a whole file into a malloc'd block of exactly its size (at least 1
 * byte), so a read past the input is caught by AddressSanitizer. */
static uint8_t *read_input(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *data = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            data = malloc(n ? (size_t)n : 1);
            if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
                free(data);
                data = NULL;
            }
            *len = (size_t)n;
        }
    }
    fclose(f);
    return data;
}

static int replay_file(const target *t, const char *path)
{
    size_t len = 0;
    uint8_t *data = read_input(path, &len);
    if (!data) {
        fprintf(stderr, "fuzz_replay: cannot read %s\n", path);
        return 1;
    }
    printf("%s %s (%zu bytes)\n", t->name, path, len);
    fflush(stdout);
    t->run(data, len);
    free(data);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir (a missing folder holds none), in name order. */
static int replay_dir(const target *t, const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            names = realloc(names, cap * sizeof *names);
        }
        if (!names || !(names[n++] = strdup(e->d_name))) {
            fprintf(stderr, "fuzz_replay: out of memory\n");
            exit(1);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        char path[2 * PATH_BYTES];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        failed |= replay_file(t, path);
        free(names[i]);
    }
    free(names);
    *count += n;
    return failed;
}

static int replay_committed(void)
{
    int failed = 0;
    for (size_t i = 0; i < TARGET_COUNT; i++) {
        const char *kinds[] = {"regressions", "seeds"};
        size_t count = 0;
        for (size_t k = 0; k < 2; k++) {
            char dir[PATH_BYTES];
            snprintf(dir, sizeof dir, "%s/%s/%s", FUZZ_DIR, kinds[k], targets[i].name);
            failed |= replay_dir(&targets[i], dir, &count);
        }
        if (count == 0) {
            fprintf(stderr, "fuzz_replay: no committed inputs for %s\n", targets[i].name);
            failed = 1;
        }
    }
    return failed;
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return replay_committed();
    const target *t = find_target(argv[1]);
    if (!t || argc < 3) {
        fprintf(stderr, "usage: %s [TARGET FILE...]\ntargets:", argv[0]);
        for (size_t i = 0; i < TARGET_COUNT; i++)
            fprintf(stderr, " %s", targets[i].name);
        fprintf(stderr, "\n");
        return 2;
    }
    int failed = 0;
    for (int i = 2; i < argc; i++)
        failed |= replay_file(t, argv[i]);
    return failed;
}
