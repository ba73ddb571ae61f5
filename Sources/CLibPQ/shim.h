#ifndef TILSKOT_CLIBPQ_SHIM_H
#define TILSKOT_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
