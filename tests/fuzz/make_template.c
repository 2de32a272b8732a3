/*
 * make_template.c - writes the fuzz targets' template index (index_template.h)
 * into a new folder, so tools/fuzz.sh can seed the index target with the
 * very files it overwrites.  Usage: fuzz_index_template DIR
 */
#include <stdio.h>

#include "index_template.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR (a folder that does not exist yet)\n", argv[0]);
        return 2;
    }
    fuzz_template_build(argv[1]);
    for (size_t i = 0; i < fuzz_template_file_count; i++)
        printf("%zu %s\n", i, fuzz_template_files[i]);
    return 0;
}
