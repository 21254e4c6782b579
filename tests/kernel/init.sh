#!/bin/sh
# /init of the real-kernel bench initramfs (busybox-static).
#
# The same initramfs serves both kernels:
#   * first kernel  (no elfcorehdr= on the cmdline): load the kdump kernel with
#     kexec, snapshot the sysroot files vmcorekit reads, write them as a tar
#     archive to /dev/vda, then crash with sysrq-c.
#   * kdump kernel (elfcorehdr= on the cmdline): record /proc/cmdline, dmesg,
#     the size of /proc/vmcore, dd /proc/vmcore to /dev/vdb, write the small
#     files as a tar archive to /dev/vdc and power off.
# Scenario parameters come from the first kernel's cmdline:
#   bench.method=file|load   kexec_file_load (kexec -s) or kexec_load (kexec -c)
#   bench.kdump_extra=a,b    extra kdump-kernel cmdline words (',' -> ' ')
#   bench.probe=1            just print a marker and power off (accel probe)
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

copy() { # copy SRC to sysroot-relative path, record missing ones
	if [ -e "/$1" ]; then
		mkdir -p "$S/$(dirname "$1")"
		cat "/$1" > "$S/$1" 2>/dev/null || echo "$1 (unreadable)" >> /capture/missing.txt
	else
		echo "$1" >> /capture/missing.txt
	fi
}

if [ $ROLE = first ]; then
	METHOD=$(getarg bench.method || echo file)
	EXTRA=$(getarg bench.kdump_extra | tr ',' ' ')
	case $METHOD in file) KFLAG=-s;; load) KFLAG=-c;; *) fail "bad method $METHOD";; esac
	KAPPEND="console=ttyS0 irqpoll nr_cpus=1 reset_devices panic=-1 $EXTRA"
	mkdir -p /capture
	echo 0 > /proc/sys/kernel/kptr_restrict
	# -d: kexec-tools prints its segment list (kexec_load: where the
	# elfcorehdr and backup segments went and their memsz).
	echo "kexec -d -p $KFLAG /boot/vmlinuz --initrd=/boot/kdump-initrd.gz --append=\"$KAPPEND\"" > /capture/kexec-cmd.txt
	kexec --version > /capture/kexec-version.txt 2>&1
	kexec -d -p $KFLAG /boot/vmlinuz --initrd=/boot/kdump-initrd.gz --append="$KAPPEND" > /capture/kexec-out.txt 2>&1
	rc=$?
	echo $rc > /capture/kexec-rc.txt
	tail -n 20 /capture/kexec-out.txt
	[ $rc = 0 ] || fail "kexec load rc=$rc"
	[ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] || fail "kexec_crash_loaded != 1"
	mark kexec-loaded

	S=/capture/sysroot
	mkdir -p $S/proc
	: > /capture/missing.txt
	copy proc/iomem
	copy proc/cmdline
	dd if=/proc/kcore of=$S/proc/kcore bs=64k count=1 2>/dev/null || echo proc/kcore >> /capture/missing.txt
	grep -E ' (_text|_stext|_end)$' /proc/kallsyms > $S/proc/kallsyms
	for f in vmcoreinfo kexec_crash_size kexec_crash_loaded crash_elfcorehdr_size; do copy sys/kernel/$f; done
	for f in possible present online crash_hotplug; do copy sys/devices/system/cpu/$f; done
	for d in /sys/devices/system/cpu/cpu[0-9]*; do
		n=${d#/}
		for f in crash_notes crash_notes_size; do copy $n/$f; done
	done
	for f in block_size_bytes crash_hotplug; do copy sys/devices/system/memory/$f; done
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
