/*
 * segpath.h - where a segment's files are: "<dir>/seg_NNNNNN.<ext>", the
 * number in six digits, one file per extension of format.h
 * (SHELF_EXT_DICT ...).  Readers and writers both name files through this,
 * so the naming rule is written once.
 */
#ifndef SHELF_SEGPATH_H
#define SHELF_SEGPATH_H

#include <stddef.h>
#include <stdint.h>

/* Path of a segment file into out (truncated to out_size like snprintf). */
void shelf_segment_path(char *out, size_t out_size, const char *dir, uint32_t number, const char *ext);

#endif
