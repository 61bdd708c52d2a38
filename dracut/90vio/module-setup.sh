#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut module: vio's rules, helper, hwdb and policy in the initramfs, so VFs exist and are
# configured before the root filesystem is mounted, exactly as after switch-root.
# shellcheck disable=SC2154 # dracutsysrootdir, initdir, udevdir, hostonly, systemdsystemunitdir: set by dracut

vio_policy_dirs="/usr/lib/vio.d /run/vio.d /etc/vio.d"

vio_has_policy() {
    local d f
    for d in $vio_policy_dirs; do
        for f in "$dracutsysrootdir$d"/*.conf; do
            [[ -e $f || -L $f ]] && return 0
        done
    done
    return 1
}

# called by dracut
check() {
    require_binaries vio || return 1
    # Included wherever the host has policy (host-only or not); otherwise only on request.
    vio_has_policy && return 0
    return 255
}

# called by dracut
depends() {
    echo udev-rules
    return 0
}

# called by dracut
installkernel() {
    local mods
    # The drivers the policy names, and the native VF drivers of this host's PFs.
    mods=$(vio modules 2>/dev/null | sort -u)
    # shellcheck disable=SC2086 # one module name per word
    [[ $mods ]] && hostonly='' instmods $mods
    return 0
}

# called by dracut
install() {
    local d f

    inst_multiple vio
    # With systemd in the initramfs, a PF event hands its count change to this unit
    # (udev's event timeout); vio calls systemctl for it.
    if dracut_module_included systemd; then
        inst_multiple systemctl
        inst_simple "$systemdsystemunitdir/vio-pf@.service"
    fi
    # vio dlopen()s these, so dracut cannot see them in its ELF dependencies.
    inst_libdir_file "libkmod.so.2*" "libcrypto.so.3*" "libnl-3.so.200*" "libnl-genl-3.so.200*"
    inst_rules 60-vio.rules

    # The hwdb gives each PF's kind and VF driver. The systemd flavour ships the host's
    # hwdb.bin; the shell flavour ships none: then build a small one from vio's entries.
    if [[ ! -e $initdir/etc/udev/hwdb.bin && ! -e $initdir/$udevdir/hwdb.bin ]]; then
        inst_simple "$udevdir/hwdb.d/60-vio.hwdb"
        systemd-hwdb --root="$initdir" update || dwarn "vio: cannot build hwdb.bin"
        rm -f "$initdir/$udevdir/hwdb.d/60-vio.hwdb"
    fi

    # All policy, with the same layering as on the host (a /dev/null link masks).
    for d in $vio_policy_dirs; do
        for f in "$dracutsysrootdir$d"/*.conf; do
            [[ -e $f || -L $f ]] || continue
            f=${f#"$dracutsysrootdir"}
            if [[ -L $dracutsysrootdir$f && $(readlink "$dracutsysrootdir$f") == /dev/null ]]; then
                mkdir -p "$initdir$d"
                ln -sfn /dev/null "$initdir$f"
            else
                inst_simple "$f"
            fi
        done
    done

    # Generated MACs are keyed with machine-id: the same in the initramfs as after switch-root.
    # dracut's systemd module leaves an empty one in generic images (systemd then makes up a
    # transient id), and inst_simple keeps an existing file: copy it over on purpose.
    if [[ -s $dracutsysrootdir/etc/machine-id ]]; then
        mkdir -p "$initdir/etc"
        cp -f "$dracutsysrootdir/etc/machine-id" "$initdir/etc/machine-id"
        chmod 0444 "$initdir/etc/machine-id"
    else
        dwarn "vio: no /etc/machine-id; VFs without a mac in their policy will get none"
    fi
    return 0
}
