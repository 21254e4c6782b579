/* SPDX-License-Identifier: MIT */
/* libvmcorekit: Linux crash-dump ELF cores in user space. */
#ifndef VMCOREKIT_VMCOREKIT_H
#define VMCOREKIT_VMCOREKIT_H

#include "vmcorekit/error.h"
#include "vmcorekit/warnings.h"
#include "vmcorekit/elf.h"
#include "vmcorekit/source.h"
#include "vmcorekit/ranges.h"
#include "vmcorekit/notes.h"
#include "vmcorekit/prstatus.h"
#include "vmcorekit/iomem.h"
#include "vmcorekit/parse.h"
#include "vmcorekit/system.h"
#include "vmcorekit/elfcore.h"
#include "vmcorekit/loader.h"
#include "vmcorekit/header.h"
#include "vmcorekit/inspect.h"
#include "vmcorekit/output.h"
#include "vmcorekit/physical_memory.h"
#include "vmcorekit/hdr_source.h"
#include "vmcorekit/dump.h"
#include "vmcorekit/zfcpdump.h"
#include "vmcorekit/hotplug.h"
#include "vmcorekit/uevent.h"
#include "vmcorekit/devdump.h"
#include "vmcorekit/diskdump.h"
#include "vmcorekit/fadump.h"
#include "vmcorekit/vcpu.h"
#include "vmcorekit/guestcore.h"
#include "vmcorekit/guest.h"

#define VMCOREKIT_VERSION "0.1.0"

#endif
