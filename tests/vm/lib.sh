#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Host side of the real-kernel lab: build a busybox initramfs holding Debian's kernel modules,
# systemd-udevd, iproute2, nvme-cli and vio *as installed* (make install DESTDIR=...), then
# boot it in QEMU (software emulation) and read what the guest reports on its serial console.
# Sourced by tests/vm/run.sh.

set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${VIO_LAB_CACHE:-/var/cache/vio-lab}
OUTDIR=${VIO_LAB_OUT:-$TOP/tests/vm/out${VIO_LAB_KERNEL:+-$VIO_LAB_KERNEL}}
# VIO_LAB_KERNEL=6.12: Debian 13's kernel (setup.sh puts it in $CACHE/k6.12), else Debian 12's.
KDIR=$CACHE
NETDEVSIM=$CACHE/build/netdevsim.ko
LAB_QEMU=qemu-system-x86_64
if [ "${VIO_LAB_KERNEL:-}" = 6.12 ]; then
	KDIR=$CACHE/k6.12
	NETDEVSIM=$KDIR/netdevsim.ko
	# Under Debian 12's QEMU 7.2 (TCG) 6.12 once panicked before init, patching its own
	# text (LAB.md): Debian 13's QEMU boots it.
	LAB_QEMU=$TOP/tests/vm/qemu10
fi
# shellcheck source=/dev/null
. "$KDIR/kv.env"
KROOT=$KDIR/kernel
VMLINUZ=$KROOT/boot/vmlinuz-$KV
# The guest's machine-id: fixed, so the host can recompute generated MACs.
GUEST_MACHINE_ID=5f1e4a7c9b3d4e2f8a6b0c1d2e3f4a5b
mkdir -p "$OUTDIR"

# copy_libs ROOT BINARY: every library ldd names for BINARY, at the same paths under ROOT.
copy_libs() {
	local root=$1 lib
	for lib in $(ldd "$2" 2>/dev/null | awk '/=>/ && $3 ~ /^\// {print $3} /^\t\/.*ld-linux/ {print $1}'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -aL "$lib" "$root$lib"
	done
}

# copy_bin ROOT FILE...: host binaries and their libraries, at the same paths.
copy_bin() {
	local root=$1 f
	shift
	for f in "$@"; do
		mkdir -p "$root$(dirname "$f")"
		cp -aL "$f" "$root$f"
		copy_libs "$root" "$f"
	done
}

# copy_modules ROOT MODULE...: modules of the lab kernel and their dependencies.
copy_modules() {
	local root=$1 m p rel
	shift
	for m in "$@"; do
		modprobe -d "$KROOT" -S "$KV" --show-depends "$m" | awk '$1 == "insmod" {print $2}' |
			while read -r p; do
				rel=${p#"$KROOT"}
				mkdir -p "$root$(dirname "$rel")"
				cp -a "$p" "$root$rel"
				# 6.12's modules are .ko.xz: busybox's modprobe loads only plain ones.
				case $rel in *.xz) xz -df "$root$rel" ;; esac
			done
	done
}

# build_image: $OUTDIR/guest.cpio.gz, with vio installed as an operator would install it.
build_image() {
	local root=$OUTDIR/root f
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,etc,root,usr/bin,usr/sbin,lib64,var/log}
	cp /bin/busybox "$root/bin/busybox" # busybox-static
	ln -s busybox "$root/bin/sh"

	copy_modules "$root" nvme pci-stub vfio-pci psample igb igbvf
	mkdir -p "$root/lib/modules/$KV/extra"
	cp "$NETDEVSIM" "$root/lib/modules/$KV/extra/"
	cp "$KROOT/lib/modules/$KV"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$KV/"
	# What the kernel was built with: scenarios tell a feature compiled out from a vio defect.
	mkdir -p "$root/boot"
	cp "$KROOT/boot/config-$KV" "$root/boot/"
	depmod -b "$root" "$KV"

	copy_bin "$root" /lib/systemd/systemd-udevd /bin/udevadm /usr/bin/systemd-hwdb /bin/ip /sbin/devlink /usr/sbin/nvme /usr/bin/jq \
		/usr/bin/socat /usr/sbin/ethtool
	# Loaded by vio with dlopen(), so ldd does not name them.
	copy_bin "$root" /lib/x86_64-linux-gnu/libkmod.so.2 /lib/x86_64-linux-gnu/libcrypto.so.3 \
		/lib/x86_64-linux-gnu/libnl-3.so.200 /lib/x86_64-linux-gnu/libnl-genl-3.so.200
	# Debian's own udev rules, helpers and hwdb sources, as on a real host.
	mkdir -p "$root/lib/udev" "$root/lib/systemd/network"
	cp -a /lib/udev/rules.d /lib/udev/hwdb.d "$root/lib/udev/"
	for f in /lib/udev/*; do
		[ -f "$f" ] && [ -x "$f" ] && copy_bin "$root" "$f"
	done
	cp /lib/systemd/network/99-default.link "$root/lib/systemd/network/"

	make -C "$TOP" -s install DESTDIR="$root" PREFIX=/usr UDEVDIR=/lib/udev >/dev/null
	copy_libs "$root" "$root/usr/sbin/vio"
	systemd-hwdb --root="$root" update
	echo "$GUEST_MACHINE_ID" >"$root/etc/machine-id"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"

	mkdir -p "$root/vio-tests"
	cp "$TOP"/tests/vm/guest/*.sh "$root/vio-tests/"
	# The fault shim, for test-only rules that slow a driver down (production.sh).
	make -C "$TOP" -s tests/fault/libvio-fault.so
	cc -O2 -o "$root/usr/bin/vfdump" "$TOP/tests/vm/vfdump.c"
	cp "$TOP/tests/fault/libvio-fault.so" "$root/vio-tests/"
	cp -a "$TOP/conf" "$root/vio-tests/conf"
	cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_PAGER=cat SYSTEMD_COLORS=0
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
test=$(sed -n 's/.*vio\.test=\([a-z0-9-]*\).*/\1/p' /proc/cmdline)
echo "=== VIO-GUEST test=$test kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)"
sh /vio-tests/"$test".sh 2>&1
echo "=== VIO-DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
poweroff -f
EOF
	chmod +x "$root/init"
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$OUTDIR/guest.cpio.gz"
}

# shellcheck disable=SC2034,SC2054 # used by run.sh; commas are QEMU syntax
NVME_ARGS=(-device intel-iommu
	-device pcie-root-port,id=rp0,bus=pcie.0,chassis=1
	-device nvme-subsys,id=subsys0
	-device nvme,serial=deadbeef,bus=rp0,subsys=subsys0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4)
# shellcheck disable=SC2034,SC2054 # used by run.sh and bench.sh; commas are QEMU syntax
PRODUCTION_ARGS=(-device intel-iommu -device pcie-root-port,id=rp0,bus=pcie.0,chassis=1
	-device nvme-subsys,id=subsys0
	-device nvme,serial=feed0064,bus=rp0,subsys=subsys0,sriov_max_vfs=64,sriov_vq_flexible=128,sriov_vi_flexible=64,max_ioqpairs=130,msix_qsize=66)
# shellcheck disable=SC2034,SC2054 # used by run.sh and bench.sh; commas are QEMU syntax
IGB_ARGS=(-device intel-iommu -device pcie-root-port,id=rp0,bus=pcie.0,chassis=1 -device igb,bus=rp0)

# boot TEST [QEMU ARGS...]: runs the guest script TEST; its console goes to $OUTDIR/TEST.log.
# INITRD and ROOT, when set, boot another initramfs (dracut's) with root=ROOT.
# With $QMP_HOOK set, that function runs in the background with the QMP socket path.
boot() {
	local test=$1 log=$OUTDIR/$1.log qmp=$OUTDIR/$1.qmp rc=0 hook_pid=
	shift
	rm -f "$qmp"
	: >"$log"
	if [ -n "${QMP_HOOK:-}" ]; then
		"$QMP_HOOK" "$qmp" "$log" &
		hook_pid=$!
	fi
	timeout "${VIO_LAB_TIMEOUT:-300}" "${QEMU:-$LAB_QEMU}" -machine q35 -accel tcg -cpu max \
		-m 1024 -smp 2 -nographic -no-reboot -nodefaults -serial stdio \
		-qmp "unix:$qmp,server=on,wait=off" \
		-kernel "$VMLINUZ" -initrd "${INITRD:-$OUTDIR/guest.cpio.gz}" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 printk.devkmsg=on intel_iommu=on vio.test=$test${ROOT:+ root=$ROOT rd.shell=0}${APPEND:+ $APPEND}" \
		"$@" </dev/null >"$log" 2>&1 || rc=$?
	[ -n "$hook_pid" ] && wait "$hook_pid" 2>/dev/null
	return $rc
}

# qmp SOCKET JSON...: one QMP session sending each command in turn.
qmp() {
	local sock=$1
	shift
	{
		echo '{"execute":"qmp_capabilities"}'
		for c in "$@"; do
			sleep 0.5
			echo "$c"
		done
		sleep 1
	} | socat - "UNIX-CONNECT:$sock"
}

# build_initrd FLAVOUR POLICY_DIR OUT: dracut for the lab kernel with vio installed the way an
# operator installs it, in a private mount namespace so the build host is not changed: the
# staged install is overlaid on /usr/sbin and udev's directories, /etc gets a writable layer
# for the policy and machine-id, and dracut runs with a module tree that includes 90vio.
build_initrd() {
	local flavour=$1 poldir=$2 out=$3 stage=$OUTDIR/dracut-stage base=$OUTDIR/dracut-base mods
	rm -rf "$stage" "$base"
	make -C "$TOP" -s install DESTDIR="$stage" PREFIX=/usr UDEVDIR=/usr/lib/udev \
		DRACUTDIR=/usr/lib/dracut/modules.d SYSTEMDUNITDIR=/usr/lib/systemd/system >/dev/null
	cp -a /usr/lib/dracut "$base"
	cp -a "$stage/usr/lib/dracut/modules.d/90vio" "$base/modules.d/"
	# The lab's hooks; in the systemd flavour also vio's installed path and service units,
	# enabled, so the hook can show systemd re-applying an edited policy.
	rm -rf "$OUTDIR/include-$flavour"
	cp -a "$TOP/tests/vm/initrd" "$OUTDIR/include-$flavour"
	case $flavour in
	shell) mods="base udev-rules vio" ;;
	systemd)
		mods="systemd systemd-initrd dracut-systemd base udev-rules vio"
		local units=$OUTDIR/include-$flavour/etc/systemd/system
		mkdir -p "$units/initrd.target.wants"
		cp "$stage"/usr/lib/systemd/system/vio-apply.{path,service} "$units/"
		ln -s ../vio-apply.path "$units/initrd.target.wants/vio-apply.path"
		# Readiness: a service ordered after vio-settle.service (as vio(8) says for
		# libvirtd or kubelet) records what it found when it started.
		cp "$stage"/usr/lib/systemd/system/vio-settle.service "$units/"
		ln -s ../vio-settle.service "$units/initrd.target.wants/vio-settle.service"
		cat >"$units/vio-lab-consumer.service" <<'UNIT'
[Unit]
Description=A workload that needs the VFs (lab)
DefaultDependencies=no
After=vio-settle.service
Requires=vio-settle.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'p=/sys/bus/pci/devices/0000:01:00.0; s="numvfs=$(cat $p/sriov_numvfs)"; for i in 0 1 2; do d=none; [ -e $p/virtfn$i/driver ] && d=$(basename $(readlink $p/virtfn$i/driver)); s="$s vf$i=$d"; done; echo "$s" >/run/vio-lab-consumer'
UNIT
		ln -s ../vio-lab-consumer.service "$units/initrd.target.wants/vio-lab-consumer.service"
		;;
	esac
	# shellcheck disable=SC2016 # expanded by the inner shell, from these variables
	STAGE=$stage BASE=$base POLDIR=$poldir OUT=$out MODS=$mods KV=$KV KROOT=$KROOT \
		INCLUDE=$OUTDIR/include-$flavour \
		MACHINE_ID=$GUEST_MACHINE_ID unshare -m bash -euc '
		mount --make-rprivate /
		ovl=$(mktemp -d) && mount -t tmpfs tmpfs "$ovl" && mkdir "$ovl/u" "$ovl/w"
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$ovl/u,workdir=$ovl/w" /etc
		mount -t overlay overlay -o "lowerdir=$STAGE/usr/sbin:/usr/sbin" /usr/sbin
		for d in rules.d hwdb.d; do
			mount -t overlay overlay -o "lowerdir=$STAGE/usr/lib/udev/$d:/usr/lib/udev/$d" /usr/lib/udev/$d
		done
		mount -t overlay overlay -o "lowerdir=$STAGE/usr/lib/systemd/system:/usr/lib/systemd/system" \
			/usr/lib/systemd/system
		rm -rf /etc/vio.d && mkdir -p /etc/vio.d
		cp -a "$POLDIR"/. /etc/vio.d/
		echo "$MACHINE_ID" >/etc/machine-id
		dracutbasedir=$BASE dracut --no-hostonly --force --kver "$KV" \
			--kmoddir "$KROOT/lib/modules/$KV" -m "$MODS" --add-drivers nvme \
			--install "grep cut readlink basename dmesg sed tr ls sleep cat flock head tail" \
			--include "$INCLUDE" / "$OUT"'
}

# build_itools POLICY_DIR OUT: initramfs-tools' mkinitramfs for the lab kernel, with vio
# installed from its Debian package (built here, unpacked over the host's /usr in a private
# mount namespace, as apt-get would install it), the policy in /etc/vio.d and the lab's
# boot=violab script that reports instead of mounting a root.
build_itools() {
	local poldir=$1 out=$2 debdir=$OUTDIR/deb stage=$OUTDIR/itools-stage conf=$OUTDIR/itools-conf
	bash "$TOP/tests/deb.sh" "$debdir"
	rm -rf "$stage" "$conf"
	mkdir -p "$stage/root" "$stage/usr/lib/modules"
	dpkg -x "$debdir"/vio_*_"$(dpkg --print-architecture)".deb "$stage/root"
	# One tree for /usr: the package's /usr and /lib (merged /usr), the lab kernel's modules.
	cp -a "$stage/root/usr/." "$stage/usr/"
	cp -a "$stage/root/lib/." "$stage/usr/lib/"
	ln -s "$KROOT/lib/modules/$KV" "$stage/usr/lib/modules/$KV"
	cp -a /etc/initramfs-tools "$conf"
	# Small and quick: the modules the policy needs (the hook adds them) and the PF's driver.
	sed -i 's/^MODULES=.*/MODULES=list/; s/^COMPRESS=.*/COMPRESS=gzip/' "$conf/initramfs.conf"
	echo nvme >>"$conf/modules"
	mkdir -p "$conf/scripts" "$conf/hooks"
	cp "$TOP/tests/vm/itools/scripts/violab" "$conf/scripts/"
	cp "$TOP/tests/vm/itools/hooks/violab" "$conf/hooks/"
	# shellcheck disable=SC2016 # expanded by the inner shell, from these variables
	STAGE=$stage CONF=$conf POLDIR=$poldir OUT=$out KV=$KV KROOT=$KROOT \
		MACHINE_ID=$GUEST_MACHINE_ID unshare -m bash -euc '
		mount --make-rprivate /
		ovl=$(mktemp -d) && mount -t tmpfs tmpfs "$ovl" && mkdir "$ovl/u" "$ovl/w"
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$ovl/u,workdir=$ovl/w" /etc
		mount -t overlay overlay -o "lowerdir=$STAGE/usr:/usr" /usr
		mount -t overlay overlay -o "lowerdir=$KROOT/boot:/boot" /boot
		rm -rf /etc/vio.d && mkdir -p /etc/vio.d
		cp -a "$POLDIR"/. /etc/vio.d/
		echo "$MACHINE_ID" >/etc/machine-id
		mkinitramfs -d "$CONF" -o "$OUT" "$KV"'
}
