/*
 * test_fuzz_regress.c - every input the fuzzers were seeded with or
 * once broke the program on, replayed through the fuzz targets' own
 * checks (tests/fuzz/fuzz_*.c), without libFuzzer: the scenario files
 * of tests/fuzz/regress/scenario/, tests/fuzz/corpus_scenario/,
 * data/scenarios/ and tests/cases/ through the loader and the export,
 * and the command lines of tests/fuzz/regress/command/ and
 * tests/fuzz/corpus_command/ through the interface's ':' line.
 * A broken promise aborts, naming the file on the line before.
 * Tests run from the top of the repository.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define FUZZ_NO_ENTRY
#include "fuzz/fuzz_command.c"
#include "fuzz/fuzz_scenario.c"

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t cap = 0, n = 0;

    assert_non_null(f);
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            data = realloc(data, cap);
            assert_non_null(data);
        }
        size_t got = fread(data + n, 1, cap - n, f);

        n += got;
        if (got == 0)
            break;
    }
    assert_int_equal(ferror(f), 0);
    fclose(f);
    *size = n;
    return data;
}

/* Feed every file of dir to fn; returns how many there were. */
static int replay(const char *dir, int (*fn)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1024];
    int count = 0;

    if (!d)
        fail_msg("cannot open %s", dir);
    while ((e = readdir(d)) != NULL) {
        uint8_t *data;
        size_t size;

        if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        fprintf(stderr, "   %s\n", path);
        data = read_file(path, &size);
        fn(data, size);
        free(data);
        count++;
    }
    closedir(d);
    return count;
}

static void test_scenario_inputs(void **state)
{
    (void)state;
    replay("tests/fuzz/regress/scenario", fuzz_scenario_input);
    assert_true(replay("tests/fuzz/corpus_scenario", fuzz_scenario_input)
                > 0);
    /* The nine stages, the retry storm and its twin. */
    assert_int_equal(replay("data/scenarios", fuzz_scenario_input), 11);
    assert_true(replay("tests/cases", fuzz_scenario_input) >= 4);
}

static void test_command_inputs(void **state)
{
    (void)state;
    replay("tests/fuzz/regress/command", fuzz_command_input);
    assert_true(replay("tests/fuzz/corpus_command", fuzz_command_input) > 0);
    fuzz_command_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_inputs),
        cmocka_unit_test(test_command_inputs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
