#!/bin/sh
# /init of the real-kernel bench initramfs (busybox-static).
#
# The same initramfs serves both kernels:
#   * first kernel  (no elfcorehdr= on the cmdline): load the kdump kernel with
#     kexec, snapshot the sysroot files vmcorekit reads, write them as a tar
#     archive to /dev/vda, then crash with sysrq-c.
#   * kdump kernel (elfcorehdr= on the cmdline, or /proc/vmcore exists: arm64
#     and powerpc pass the header's address in the device tree's
#     /chosen/linux,elfcorehdr instead): record /proc/cmdline, dmesg,
#     the size of /proc/vmcore, dd /proc/vmcore to /dev/vdb, write the small
#     files as a tar archive to /dev/vdc and power off.
# Scenario parameters come from the first kernel's cmdline:
#   bench.method=file|load   kexec_file_load (kexec -s) or kexec_load (kexec -c)
#   bench.kdump_extra=a,b    extra kdump-kernel cmdline words (',' -> ' ')
#   bench.kexec_extra=a,b    extra kexec options (',' -> ' '), e.g. --hotplug
#   bench.probe=1            just print a marker and power off (accel probe)
#   bench.hotplug_mib=N      hotplug events after kexec -p: snapshot the
#                            pre-event sysroot, say "hotplug-ready" and wait
#                            for the host (bench.py drive) to plug an N MiB
#                            DIMM (and try a CPU) through QMP; online the
#                            DIMM's blocks, offline+online CPU 1, record the
#                            events, then capture the post-event sysroot.
#   bench.hotplug_remove=1|2 after those events, offline the DIMM's blocks and
#                            wait for the host to device_del it; 2: then wait
#                            for a second DIMM of half the size (below).
# Every step prints a "BENCH: stage=..." marker on the serial console.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# markers go through printk (timestamped, also in dmesg) once /dev is mounted
say() { if [ -c /dev/kmsg ]; then echo "$*" > /dev/kmsg; else echo "$*"; fi; }
mark() { say "BENCH: stage=$*"; }
fail() { say "BENCH: FAIL $*"; sync; poweroff -f; sleep 5; echo o > /proc/sysrq-trigger; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo 8 > /proc/sys/kernel/printk 2>/dev/null

CMDLINE=$(cat /proc/cmdline)
getarg() { for w in $CMDLINE; do case "$w" in "$1="*) echo "${w#*=}"; return 0;; esac; done; return 1; }

case " $CMDLINE " in *" elfcorehdr="*) ROLE=kdump;; *) ROLE=first;; esac
[ -e /proc/vmcore ] && ROLE=kdump
# the kdump kernel gets the first kernel's console (ttyS0, ttyAMA0, hvc0)
CONSOLE=$(getarg console || echo ttyS0)
mark "init role=$ROLE kernel=$(uname -r)"

if [ "$(getarg bench.probe)" = 1 ]; then
	mark probe-ok
	poweroff -f
fi

# virtio_blk (and, on 6.1, virtio_pci & co) are modules: load them in order.
if [ -f /lib/bench-mods/order ]; then
	for m in $(cat /lib/bench-mods/order); do
		insmod "/lib/bench-mods/$m" || echo "BENCH: insmod $m failed"
	done
fi
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
[ -b /dev/vda ] || fail "no /dev/vda"
mark modules-loaded

copy() { # copy SRC to sysroot-relative path, record missing ones in $MISSING
	if [ -e "/$1" ]; then
		mkdir -p "$S/$(dirname "$1")"
		cat "/$1" > "$S/$1" 2>/dev/null || echo "$1 (unreadable)" >> "$MISSING"
	else
		echo "$1" >> "$MISSING"
	fi
}

# snapshot_sysroot DIR MISSING: the files vmcorekit reads, at their real paths
snapshot_sysroot() {
	S=$1 MISSING=$2
	mkdir -p "$S/proc"
	: > "$MISSING"
	copy proc/iomem
	copy proc/cmdline
	dd if=/proc/kcore of=$S/proc/kcore bs=64k count=1 2>/dev/null || echo proc/kcore >> "$MISSING"
	syms='_text|_stext|_end'
	# arm64 kexec-tools also reads __init_begin (kexec/arch/arm64/
	# crashdump-arm64.c iomem_range_callback); arm64 also has the
	# flattened device tree kexec-tools starts the kdump kernel's from
	if [ "$(uname -m)" = aarch64 ]; then
		syms="$syms|__init_begin"
	fi
	grep -E " ($syms)\$" /proc/kallsyms > $S/proc/kallsyms
	[ -e /sys/firmware/fdt ] && copy sys/firmware/fdt
	# ppc64: what kexec-tools reads of /proc/device-tree for the header
	# (kexec/arch/ppc64/kexec-ppc64.c get_devtree_details, crashdump-ppc64.c
	# get_crash_memory_ranges), not the whole tree (1.6 MB), and the root's
	# listing in readdir order (kernfs), the order of its memory ranges
	if [ -d /proc/device-tree/rtas ] || [ -d /proc/device-tree/ibm,opal ]; then
		D=/proc/device-tree
		for f in '#address-cells' '#size-cells' chosen/linux,crashkernel-base \
			chosen/linux,crashkernel-size chosen/linux,memory-limit \
			chosen/linux,kernel-end chosen/linux,htab-base chosen/linux,htab-size \
			rtas/linux,rtas-base rtas/rtas-size ibm,opal/opal-base-address \
			ibm,opal/opal-runtime-size; do
			[ -e "$D/$f" ] && copy "proc/device-tree/$f"
		done
		for n in $D/memory $D/memory@* $D/ibm,dynamic-reconfiguration-memory; do
			[ -d "$n" ] || continue
			for f in reg compatible device_type linux,usable-memory \
				ibm,lmb-size ibm,dynamic-memory ibm,dynamic-memory-v2; do
				[ -e "$n/$f" ] && copy "proc/device-tree/${n##*/}/$f"
			done
		done
		find $D/ -maxdepth 1 | sed -n "s|^$D/||p" > "$S/../dt-readdir.txt"
	fi
	for f in vmcoreinfo kexec_crash_size kexec_crash_loaded crash_elfcorehdr_size; do copy sys/kernel/$f; done
	for f in possible present online crash_hotplug; do copy sys/devices/system/cpu/$f; done
	for d in /sys/devices/system/cpu/cpu[0-9]*; do
		n=${d#/}
		for f in crash_notes crash_notes_size; do copy $n/$f; done
	done
	for f in block_size_bytes crash_hotplug; do copy sys/devices/system/memory/$f; done
}

# hotplug_events MIB: after "hotplug-ready" the host keeps the header and
# says "go" by growing /dev/vdc (QMP block_resize); then we offline+online CPU 1 and say "hotplug-cpu-done" (the host keeps the header
# again and plugs an MIB MiB DIMM via QMP, after a CPU if asked to); we wait
# for the DIMM's memory blocks, online any the kernel did not auto-online and
# write the event list (the `vmcorekit hotplug apply --event` syntax,
# [start, end)) to /capture/hotplug/events. The kernel rewrites the
# elfcorehdr synchronously in each event (kernel/crash_core.c
# crash_memhp_notifier, crash_cpuhp_offline/online), so it is current once
# the sysfs write returned / every block reads "online".
hotplug_events() {
	H=/capture/hotplug
	M=/sys/devices/system/memory
	mkdir -p $H
	bs=$((0x$(cat $M/block_size_bytes)))
	ls -d $M/memory[0-9]* | sort > $H/blocks-before
	cat /sys/devices/system/cpu/present > $H/cpu-present-before
	cat /sys/devices/system/cpu/possible > $H/cpu-possible
	ck=$(grep ' : Crash kernel' /proc/iomem | head -1 | sed 's/^ *//; s/ :.*//')
	# kexec_load: kexec -d lists where purgatory's digest table went, so the
	# host can read it before and after the events
	pd=$(sed -n 's/^sym: sha256_digest value: \([0-9a-f]*\) .*/\1/p' /capture/kexec-out.txt | head -1)
	pr=$(sed -n 's/^sym: sha256_regions value: \([0-9a-f]*\) .*/\1/p' /capture/kexec-out.txt | head -1)
	purg=
	[ -n "$pd" ] && [ -n "$pr" ] && purg=" purgatory=$pd,$pr"
	vdc=$(cat /sys/block/vdc/size)
	mark "hotplug-ready crashk=$ck elfcorehdr_size=$(cat /sys/kernel/crash_elfcorehdr_size) dimm_mib=$1$purg"
	i=0
	while [ "$(cat /sys/block/vdc/size)" = "$vdc" ]; do
		i=$((i+1))
		[ $i -le 600 ] || fail "no go from the host (vdc not resized) after 120 s"
		sleep 0.2
	done
	# CPU offline + online (CPU hot-add does not work here, see README.md)
	[ -f /sys/devices/system/cpu/cpu1/online ] || fail "no cpu1 to offline"
	echo 0 > /sys/devices/system/cpu/cpu1/online || fail "offline cpu1"
	cat /sys/devices/system/cpu/online > $H/cpu-online-while-offline
	echo remove-cpu:1 > $H/events
	echo 1 > /sys/devices/system/cpu/cpu1/online || fail "online cpu1"
	echo add-cpu:1 >> $H/events
	mark "hotplug-cpu-done events=$(tr '\n' ' ' < $H/events)"
	await_dimm $1
	# CPU hot-add (if the host tried a device_add before the DIMM: ACPI
	# hotplug work is ordered, so its outcome is visible now)
	cat /sys/devices/system/cpu/present > $H/cpu-present-after
	dmesg | grep -iE 'processor|cpu.*(hotplug|topo|apic)|acpi.*cpu|smpboot' > $H/dmesg-cpu.txt
	for c in /sys/devices/system/cpu/cpu[0-9]*; do
		n=${c##*/cpu}
		if [ -f $c/online ] && [ "$(cat $c/online)" = 0 ]; then
			echo 1 > $c/online && echo "add-cpu:$n" >> $H/events
		fi
	done
	cat /proc/iomem > $H/iomem-after
	case "$(getarg bench.hotplug_remove || true)" in
	1|2) hotplug_remove "$new" $lo $hi ;;
	esac
	mark "hotplug-done events=$(tr '\n' ' ' < $H/events)"
}

# await_dimm MIB: wait for the memory blocks of an MIB MiB DIMM the host
# plugs (new since $H/blocks-before) to be online, and append its
# add-memory event; sets $new (the blocks), $lo and $hi ([lo, hi)).
await_dimm() {
	want=$(($1 * 1048576 / bs))
	i=0
	while :; do
		ls -d $M/memory[0-9]* | sort > $H/blocks-after
		new=$(awk 'NR==FNR { old[$0] = 1; next } !($0 in old)' $H/blocks-before $H/blocks-after)
		n=0; on=0
		for b in $new; do
			n=$((n+1))
			[ "$(cat $b/state)" = online ] && on=$((on+1))
		done
		[ $n -ge $want ] && [ $on = $n ] && break
		# auto-online (MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO) gets 5 s, then we online
		if [ $n -ge $want ] && [ $i -ge 25 ]; then
			for b in $new; do
				if [ "$(cat $b/state)" = offline ]; then
					echo online > $b/state && echo "${b##*/}" >> $H/onlined-by-init
				fi
			done
		fi
		i=$((i+1))
		[ $i -le 600 ] || fail "DIMM: $n of $want new memory blocks, $on online after 120 s"
		sleep 0.2
	done
	lo=; hi=
	for b in $new; do
		s=$(($(cat $b/phys_index | sed 's/^/0x/') * bs))
		[ -z "$lo" ] || [ $s -lt $lo ] && lo=$s
		[ -z "$hi" ] || [ $((s + bs)) -gt $hi ] && hi=$((s + bs))
	done
	[ $((hi - lo)) = $(($1 * 1048576)) ] || fail "DIMM blocks span $lo-$hi, not $1 MiB"
	printf 'add-memory:0x%x-0x%x\n' $lo $((hi - 1)) >> $H/events	# END inclusive
}

# hotplug_remove BLOCKS LO HI: offline the DIMM's memory blocks -- each
# offline is a MEM_OFFLINE, and the kernel regenerates the header while the
# DIMM's "System RAM" resource still exists -- and say "hotplug-offline-done";
# the host keeps the header and device_dels the DIMM (QMP); ACPI eject runs
# remove_memory, which releases the resource and sends no crash event. Once
# the blocks are gone say "hotplug-removed": the host keeps the header
# again, and with bench.hotplug_remove=2 plugs a second DIMM of half the
# size, whose MEM_ONLINE regenerates the header without the first.
hotplug_remove() {
	cp $H/events $H/events-before-remove
	for b in $1; do
		echo offline > $b/state || fail "offline ${b##*/} (state $(cat $b/state))"
	done
	printf 'remove-memory:0x%x-0x%x\n' $2 $(($3 - 1)) >> $H/events	# END inclusive
	cat /proc/iomem > $H/iomem-offline
	mark "hotplug-offline-done events=$(tr '\n' ' ' < $H/events)"
	i=0
	while :; do
		left=0
		for b in $1; do [ -e $b ] && left=$((left+1)); done
		[ $left = 0 ] && break
		i=$((i+1))
		[ $i -le 600 ] || fail "DIMM: $left memory blocks still there 120 s after device_del"
		sleep 0.2
	done
	cat /proc/iomem > $H/iomem-removed
	ls -d $M/memory[0-9]* | sort > $H/blocks-before
	mark "hotplug-removed"
	if [ "$(getarg bench.hotplug_remove)" = 2 ]; then
		await_dimm $(($(getarg bench.hotplug_mib) / 2))
	fi
	cat /proc/iomem > $H/iomem-after
}

# bench.panic=1: no kdump kernel; the host (bench.py panic-drive) takes the
# registers and memory once QEMU paused on pvpanic's panic event.
if [ $ROLE = first ] && [ "$(getarg bench.panic)" = 1 ]; then
	for m in $(cat /lib/bench-mods/order-panic); do
		insmod "/lib/bench-mods/$m" || say "BENCH: insmod $m failed"
	done
	mkdir -p /capture
	echo 0 > /proc/sys/kernel/kptr_restrict
	snapshot_sysroot /capture/sysroot /capture/missing.txt
	ls /sys/firmware/qemu_fw_cfg/by_name/etc/ > /capture/fw_cfg-etc.txt 2>&1
	uname -r > /capture/uname-r.txt
	dmesg > /capture/dmesg-first.txt
	grep -m1 '^flags' /proc/cpuinfo > /capture/cpuflags.txt
	tar -cf /capture.tar -C /capture . || fail "tar"
	dd if=/capture.tar of=/dev/vda bs=64k conv=fsync 2>/dev/null || fail "write /dev/vda"
	sync
	# /sys/kernel/vmcoreinfo: "PADDR SIZE" of the VMCOREINFO note
	# stoppers=: the [start-end) of the thunks whose ORC entry ends an
	# unwind at their first instruction (bench.py panic_drive stops again
	# when a CPU is in one); the sed keeps kallsyms' text symbols in order
	mark "panicking vmcoreinfo=$(tr ' ' , < /sys/kernel/vmcoreinfo) stoppers=$(sed -n 's/^\([0-9a-f]*\) [tT] \([^ 	]*\).*/\1 \2/p' /proc/kallsyms | sort |
		awk '{ m = ($2 ~ /^(__pi_)?__x86_(indirect|return)|untrain_ret$|^srso_.*(return_thunk|safe_ret)$|^(retbleed|its|call_depth)_return_thunk$/); if (p != "" && !m) { printf "%s-%s,", p, $1; p = "" } if (m && p == "") p = $1 }')"
	echo c > /proc/sysrq-trigger
	fail "still alive after sysrq-c"
fi

if [ $ROLE = first ]; then
	METHOD=$(getarg bench.method || echo file)
	EXTRA=$(getarg bench.kdump_extra | tr ',' ' ')
	KEXTRA=$(getarg bench.kexec_extra | tr ',' ' ')
	case $METHOD in file) KFLAG=-s;; load) KFLAG=-c;; *) fail "bad method $METHOD";; esac
	KAPPEND="console=$CONSOLE irqpoll nr_cpus=1 reset_devices panic=-1 $EXTRA"
	mkdir -p /capture
	echo 0 > /proc/sys/kernel/kptr_restrict
	# -d: kexec-tools prints its segment list (kexec_load: where the
	# elfcorehdr and backup segments went and their memsz).
	echo "kexec -d -p $KFLAG $KEXTRA /boot/vmlinuz --initrd=/boot/kdump-initrd.gz --append=\"$KAPPEND\"" > /capture/kexec-cmd.txt
	kexec --version > /capture/kexec-version.txt 2>&1
	kexec -d -p $KFLAG $KEXTRA /boot/vmlinuz --initrd=/boot/kdump-initrd.gz --append="$KAPPEND" > /capture/kexec-out.txt 2>&1
	rc=$?
	echo $rc > /capture/kexec-rc.txt
	tail -n 20 /capture/kexec-out.txt
	[ $rc = 0 ] || fail "kexec load rc=$rc"
	[ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] || fail "kexec_crash_loaded != 1"
	mark kexec-loaded

	HPMIB=$(getarg bench.hotplug_mib || true)
	if [ -n "$HPMIB" ]; then
		mkdir -p /capture/pre-event
		snapshot_sysroot /capture/pre-event/sysroot /capture/pre-event/missing.txt
		hotplug_events "$HPMIB"
	fi
	snapshot_sysroot /capture/sysroot /capture/missing.txt
	uname -r > /capture/uname-r.txt
	dmesg > /capture/dmesg-first.txt
	grep -m1 '^flags' /proc/cpuinfo > /capture/cpuflags.txt
	mark sysroot-captured
	tar -cf /capture.tar -C /capture . || fail "tar"
	dd if=/capture.tar of=/dev/vda bs=64k conv=fsync 2>/dev/null || fail "write /dev/vda"
	sync
	mark capture-written
	mark crashing
	echo c > /proc/sysrq-trigger
	fail "still alive after sysrq-c"
else
	mkdir -p /k
	cat /proc/cmdline > /k/cmdline
	ls -l /proc/vmcore > /k/vmcore-ls.txt
	stat -c %s /proc/vmcore > /k/vmcore-size.txt
	cat /proc/iomem > /k/iomem
	# arm64/powerpc: the header's address and the usable memory come in the
	# device tree (kexec-tools wrote them into the kdump kernel's DTB)
	for f in linux,elfcorehdr linux,usable-memory-range; do
		[ -e "/sys/firmware/devicetree/base/chosen/$f" ] &&
			cat "/sys/firmware/devicetree/base/chosen/$f" > "/k/chosen-$f"
	done
	mark "kdump-start vmcore_size=$(cat /k/vmcore-size.txt)"
	dd if=/proc/vmcore of=/dev/vdb bs=1M conv=fsync 2> /k/dd.txt
	echo $? > /k/dd-rc.txt
	cat /k/dd.txt
	sync
	mark vmcore-written
	dmesg > /k/dmesg
	tar -cf /k.tar -C /k . && dd if=/k.tar of=/dev/vdc bs=64k conv=fsync 2>/dev/null
	sync
	mark kdump-done
	poweroff -f
	sleep 5
	echo o > /proc/sysrq-trigger
fi
