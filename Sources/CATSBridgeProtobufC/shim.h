// libprotobuf-c (Debian: libprotobuf-c-dev), through pkg-config.
#ifndef CATSBRIDGE_PROTOBUFC_SHIM_H
#define CATSBRIDGE_PROTOBUFC_SHIM_H

#include <protobuf-c/protobuf-c.h>

#endif
