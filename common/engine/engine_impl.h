/*
 * engine_impl.h - inside the engine (engine.h): the handle, whose layout
 * the backends share (backend/reader_handle.h), and the rows of the
 * backend table the engine dispatches through (engine/backends.h).
 * engine_open.c picks a row by detecting the folder's backend.
 */
#ifndef SHELF_ENGINE_IMPL_H
#define SHELF_ENGINE_IMPL_H

#include "backend/reader_handle.h"
#include "engine/backends.h"
#include "engine/engine.h"

#endif
