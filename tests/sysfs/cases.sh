#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The fast tier's cases as data: each tests/sysfs/cases/NAME.case is a test bed, the policy,
# the commands, and what each must give: exit status, stdout and stderr lines, the files that
# must change and those that must stay. This one driver runs them, in parallel, each in a
# bed of its own (lib.sh builds it).
#
# usage: tests/sysfs/cases.sh [NAME...]     (no NAME: every case; VIO_TEST_JOBS=N at a time)
#
# A case is statements, one a line, run in order ('#' starts a comment; a line indented by a
# tab continues a policy; a statement's words are split at spaces):
#   the bed:     bed NAME (tests/sysfs/beds/NAME, statements too)
#                pf ADDR VENDOR DEVICE CLASS TOTALVFS [DRIVER] [NUMVFS] [AUTOPROBE] (DRIVER -: none)
#                vf PF INDEX ADDR DEVICE [DRIVER]   driver NAME   bound ADDR DRIVER
#                set ADDR ATTR [VALUE] (ATTR may be a path; no VALUE: empty)   chmod ADDR ATTR MODE
#                mkdir ADDR PATH
#                unlink ADDR NAME   iommu-group ADDR N
#                vfio-hold ADDR GROUP   release (the holder lets go)   vfio-dev ADDR vfioN
#                netdev ADDR IFNAME [FLAGS] [MAC]   iommu (the host has one)
#   the policy:  policy FILE (its lines follow, each indented by a tab; FILE in $POL, or a
#                path)   copy SRC FILE (a file of the tree's as FILE)   unpolicy FILE   mask FILE (a link to /dev/null)   rename FILE NEW
#                (FILE may hold printf escapes, \t or \377, for the odd names a host may have)
#   a command:   fault RULES, env VAR=VALUE (for the next run only), as-nobody (the next run
#                as uid 65534, as root only), stdin FILE (the next run's; else /dev/null),
#                hold LOCK [flock's -s] / drop (another process holds $TB/run/lock/LOCK),
#                hwdb (the next run sees vio's hwdb alone, in a mount namespace; root only),
#                then run ARGS...   ($POL: the policy directory)
#                save FILE (the last run's stdout, for a later command or check)
#   what it gives (each one check):
#                stderr-count N TEXT (TEXT said on N lines)
#                exit N [if|unless TEXT] (only when its stderr says TEXT, or does not: what
#                the kernel under the fast tier has decides which)
#                stderr TEXT   stderr-re REGEX   no-stderr TEXT   stdout TEXT   stdout-line LINE
#                stdout-is (exactly the lines that follow, each indented by a tab; none: empty;
#                $POL and $TB in them are what they name)
#                no-stdout-line LINE   stdout-re REGEX (grep -E)   json PYTHON (true of d, stdout
#                as JSON)   stderr-order TEXT ... TEXT (the first said before the second)
#                link ADDR NAME TARGET   line FILE N TEXT (line N of a file, $TB/...)
#                grep-is FILE REGEX (exactly the lines that follow match, in order; none: none)
#                stdout-clean (UTF-8, no control characters but newline and tab)
#                pipe CMD (CMD, reading stdout, exits 0)
#                golden NAME (stdout, then stderr as "stderr: " lines, $TB as @TB@, is
#                tests/sysfs/golden/NAME; VIO_GOLDEN_UPDATE=1 rewrites it: review the diff)
#   other files: write FILE (its lines follow, indented; printf escapes), truncate FILE (the fault shim's
#                NVMe controller keeps its state and its log in files under $TB)
#                attr ADDR ATTR VALUE   file PATH VALUE (PATH under sys/)   absent ADDR NAME
#                unchanged (nothing under sys/ differs from just before the last run)
# In every statement, $POL, $TB and $HOLDER (the vfio holder's pid) are what they name, and
# $IOMMU_HOW what vio says turns the IOMMU on for this machine's CPU (its vendor_id).
set -u
cd "$(dirname "$0")/../.." || exit 1
CASES=tests/sysfs/cases
case $(grep -m1 '^vendor_id' /proc/cpuinfo) in
*GenuineIntel*) IOMMU_HOW="turn VT-d on in the firmware and add intel_iommu=on iommu=pt to the kernel command line" ;;
*AuthenticAMD* | *HygonGenuine*) IOMMU_HOW="turn AMD-Vi (IOMMU) on in the firmware" ;;
*) IOMMU_HOW="turn the IOMMU on in the firmware" ;;
esac
export IOMMU_HOW
BEDS=tests/sysfs/beds

# one CASE_FILE: runs the case, printing "ok"/"not ok" lines named after it.
one() {
	. tests/sysfs/lib.sh
	local case=$1 name line verb args pol='' escapes='' before='' fault='' stdin='' hwdb='' envs=() n=0 pending='' got='' what=''
	name=$(basename "$case" .case)
	tb_new
	# statements FILE: a case's or a bed's; a policy's lines are those indented by a tab.
	statements() {
		while IFS= read -r line || [ -n "$line" ]; do
			n=$((n + 1))
			if [ "${line:0:1}" = $'\t' ]; then
				if [ -n "$pol" ] && [ "$escapes" = expected ]; then
					line=${line:1}
					line=${line//\$POL/$POL}
					printf '%s\n' "${line//\$TB/$TB}" >>"$pol"
				elif [ -n "$pol" ] && [ -n "$escapes" ]; then
					printf '%b\n' "${line:1}" >>"$pol"
				elif [ -n "$pol" ]; then
					printf '%s\n' "${line:1}" >>"$pol"
				fi
				continue
			fi
			pol='' escapes=''
			block_end
			[ "${line:0:1}" = '#' ] && continue
			line=${line%"${line##*[![:space:]]}"}
			[ -n "$line" ] || continue
			verb=${line%% *}
			args=${line#"$verb"}
			args=${args# }
			# A statement that cannot be carried out fails the case, and ends it.
			if ! statement "$1:$n" "$verb" "$args"; then
				fail "$name: $1:$n: '$line' could not be carried out"
				return 1
			fi
		done <"$1"
		block_end
	}
	# The check a block of lines was for (stdout-is, grep-is), once the block has ended:
	# pending is the expected lines' file, got what they are compared with, what names it.
	block_end() {
		[ -n "$pending" ] || return 0
		local want=$pending
		pending=''
		if cmp -s "$want" "$got"; then
			pass "$name: $what $(head -c 60 "$want" | tr '\n' ' ')"
		else
			fail "$name: $what $(head -c 60 "$want" | tr '\n' ' ')" \
				"want: $(tr '\n' ' ' <"$want")" "got:  $(tr '\n' ' ' <"$got")"
		fi
	}
	# statement WHERE VERB ARGS
	statement() {
		local where=$1 verb=$2 a=$3 w
		a=${a//\$POL/$POL}
		a=${a//\$TB/$TB}
		a=${a//\$HOLDER/${HOLDER:-}}
		a=${a//\$IOMMU_HOW/$IOMMU_HOW}
		set -f # a fault rule's '*' is a word, not a glob
		# shellcheck disable=SC2086 # the statement's words: split on purpose
		set -- $a
		set +f
		case $verb in
		bed)
			local saved=$n
			n=0
			statements "$BEDS/$1" || return 1
			n=$saved
			;;
		pf) tb_pf "$1" "$2" "$3" "$4" "$5" "${6/#-/}" "${7:-0}" "${8:-1}" ;;
		vf) VF_DEVICE=$4 tb_vf "$1" "$2" "$3" "${5:-}" ;;
		driver) tb_driver "$1" ;;
		bound)
			tb_driver "$2"
			ln -sfn "../../../bus/pci/drivers/$2" "$(devdir "$1")/driver"
			;;
		set)
			mkdir -p "$(dirname "$(devdir "$1")/$2")"
			if [ $# -gt 2 ]; then echo "${a#"$1 $2 "}" >"$(devdir "$1")/$2"; else : >"$(devdir "$1")/$2"; fi
			;;
		mkdir) mkdir -p "$(devdir "$1")/$2" ;;
		chmod) chmod "$3" "$(devdir "$1")/$2" ;;
		unlink) rm "$(devdir "$1")/$2" ;;
		iommu-group)
			mkdir -p "$TB/sys/kernel/iommu_groups/$2/devices"
			ln -s "../../../../devices/pci0000:00/$1" "$TB/sys/kernel/iommu_groups/$2/devices/$1"
			ln -s "../../../kernel/iommu_groups/$2" "$(devdir "$1")/iommu_group"
			;;
		vfio-dev)
			mkdir -p "$(devdir "$1")/vfio-dev/$2" "$TB/sys/class/vfio-dev"
			ln -s ../.. "$(devdir "$1")/vfio-dev/$2/device"
			ln -s "../../devices/pci0000:00/$1/vfio-dev/$2" "$TB/sys/class/vfio-dev/$2"
			;;
		vfio-hold) tb_vfio_hold "$1" "$2" ;;
		release)
			kill "$HOLDER" && wait "$HOLDER" 2>/dev/null
			HOLDER=
			;;
		netdev) tb_netdev "$@" ;;
		iommu) tb_iommu ;;
		policy)
			pol=$(policy_path "$(printf '%b' "$1")")
			mkdir -p "$(dirname "$pol")"
			: >"$pol"
			chmod 0644 "$pol"
			;;
		copy)
			mkdir -p "$(dirname "$(policy_path "$2")")"
			cp "$1" "$(policy_path "$2")" && chmod 0644 "$(policy_path "$2")"
			;;
		unpolicy) rm "$(policy_path "$1")" ;;
		mask) ln -sfn /dev/null "$(policy_path "$1")" ;;
		rename) mv "$(policy_path "$1")" "$(policy_path "$2")" ;;
		fault) fault=$a ;;
		env) envs+=("$a") ;;
		as-nobody)
			if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
				chmod 0755 "$TB"
				cp "$VIO" "$TB/vio-copy" && chmod 0755 "$TB/vio-copy"
				envs+=("VIO=$TB/vio-copy" "AS_USER=setpriv --reuid=65534 --regid=65534 --clear-groups")
			else
				echo "# $name: not root, or no setpriv: the next run runs as $(id -un)"
			fi
			;;
		run)
			before=$(snapshot)
			set -f
			# shellcheck disable=SC2086 # the command's words: split on purpose
			if [ -n "$hwdb" ]; then
				hwdb_run $a <"${stdin:-/dev/null}"
			else
				FAULT=$fault env_run "${envs[@]}" -- $a <"${stdin:-/dev/null}"
			fi
			set +f
			fault='' envs=() stdin='' hwdb=''
			;;
		stdin) stdin=$1 ;;
		hwdb) hwdb=1 ;;
		hold) hold_lock "$@" ;;
		drop) drop_lock ;;
		stderr-count)
			w=$(grep -cF -- "${a#"$1 "}" "$ERR")
			if [ "$w" = "$1" ]; then
				pass "$name: says '${a#"$1 "}' $1 times"
			else
				fail "$name: says '${a#"$1 "}' $1 times" "said $w times"
			fi
			;;
		save) mkdir -p "$(dirname "$1")" && cp "$OUT" "$1" && chmod 0644 "$1" ;;
		exit)
			case ${2:-} in
			'') expect_rc "$name" "$1" ;;
			if | unless)
				w=${a#"$1 $2 "}
				if grep -qF -- "$w" "$ERR"; then [ "$2" = if ]; else [ "$2" = unless ]; fi &&
					expect_rc "$name ($2 it says '$w')" "$1"
				return 0
				;;
			*)
				echo "# $name: $where: exit N [if|unless TEXT]"
				return 1
				;;
			esac
			;;
		stderr) expect_err "$name" "$a" ;;
		stderr-re)
			if grep -qE -- "$a" "$ERR"; then pass "$name: says /$a/"; else fail "$name: says /$a/"; fi
			;;
		golden)
			w=$( (
				cat "$OUT"
				sed 's/^/stderr: /' "$ERR"
			))
			w=${w//$TB/@TB@}
			[ -z "${VIO_GOLDEN_UPDATE:-}" ] || printf '%s\n' "$w" >"tests/sysfs/golden/$1"
			if [ "$w" = "$(cat "tests/sysfs/golden/$1")" ]; then
				pass "$name: $1 as golden"
			else
				fail "$name: $1 as golden" "$(diff "tests/sysfs/golden/$1" <(printf '%s\n' "$w") | head -20 | tr '\n' '|')"
			fi
			;;
		no-stderr) expect_no_err "$name" "$a" ;;
		stdout)
			if grep -qF -- "$a" "$OUT"; then pass "$name: prints '$a'"; else fail "$name: prints '$a'"; fi
			;;
		stdout-is)
			pending=$TB/expect.$n got=$OUT what="prints exactly"
			pol=$pending escapes=expected
			: >"$pol"
			;;
		grep-is)
			pending=$TB/expect.$n got=$TB/got.$n what="$(basename "$1") has, of /${a#"$1 "}/, exactly"
			grep -E -- "${a#"$1 "}" "$1" >"$got"
			pol=$pending escapes=expected
			: >"$pol"
			;;
		line)
			w=$(sed -n "$2p" "$1")
			if [ "$w" = "${a#"$1 $2 "}" ]; then
				pass "$name: line $2 of $(basename "$1") is '${a#"$1 $2 "}'"
			else
				fail "$name: line $2 of $(basename "$1") is '${a#"$1 $2 "}'" "got '$w'"
			fi
			;;
		write)
			pol=$1 escapes=1
			mkdir -p "$(dirname "$pol")"
			: >"$pol"
			;;
		truncate) : >"$1" ;;
		stdout-line)
			if grep -qxF -- "$a" "$OUT"; then pass "$name: prints the line '$a'"; else fail "$name: prints the line '$a'"; fi
			;;
		no-stdout-line)
			if grep -qxF -- "$a" "$OUT"; then fail "$name: does not print the line '$a'"; else pass "$name: does not print the line '$a'"; fi
			;;
		stdout-clean)
			if python3 -c "import sys; t=open(sys.argv[1], 'rb').read().decode('utf-8'); sys.exit(any(c < ' ' and c not in '\n\t' or c == '\x7f' for c in t))" "$OUT"; then
				pass "$name: prints UTF-8 and no control character"
			else
				fail "$name: prints UTF-8 and no control character"
			fi
			;;
		pipe)
			if sh -c "$a" <"$OUT" >"$TB/pipe.out" 2>&1; then
				pass "$name: its stdout passes $a"
			else
				fail "$name: its stdout passes $a" "$(head -3 "$TB/pipe.out" | tr '\n' ' ')"
			fi
			;;
		stdout-re)
			if grep -qE -- "$a" "$OUT"; then pass "$name: prints /$a/"; else fail "$name: prints /$a/"; fi
			;;
		attr) expect_attr "$name" "$1" "$2" "${a#"$1 $2 "}" ;;
		link)
			w=$(readlink "$(devdir "$1")/$2")
			if [ "$w" = "$3" ]; then pass "$name: $1 $2 -> $3"; else fail "$name: $1 $2 -> $3" "got '$w'"; fi
			;;
		json)
			if python3 -c "import json,sys; d=json.loads(open(sys.argv[1], 'rb').read().decode('utf-8')); sys.exit(0 if ($a) else 1)" "$OUT"; then
				pass "$name: JSON: $a"
			else
				fail "$name: JSON: $a"
			fi
			;;
		stderr-order)
			local l1 l2
			l1=$(grep -nF -- "${a%% ... *}" "$ERR" | head -1 | cut -d: -f1)
			l2=$(grep -nF -- "${a#* ... }" "$ERR" | head -1 | cut -d: -f1)
			if [ -n "$l1" ] && [ -n "$l2" ] && [ "$l1" -lt "$l2" ]; then
				pass "$name: says '${a%% ... *}' before '${a#* ... }'"
			else
				fail "$name: says '${a%% ... *}' before '${a#* ... }'" "lines '$l1' and '$l2'"
			fi
			;;
		file)
			w=$(cat "$TB/sys/$1")
			if [ "$w" = "${a#"$1 "}" ]; then
				pass "$name: $1 = ${a#"$1 "}"
			else
				fail "$name: $1 = ${a#"$1 "}" "got '$w'"
			fi
			;;
		absent)
			if [ -e "$(devdir "$1")/$2" ] || [ -L "$(devdir "$1")/$2" ]; then
				fail "$name: $1 has no $2"
			else
				pass "$name: $1 has no $2"
			fi
			;;
		unchanged) expect_unchanged "$name" "$before" ;;
		*)
			echo "# $name: $where: no such statement '$verb'"
			return 1
			;;
		esac
	}
	policy_path() { case $1 in */*) echo "$1" ;; *) echo "$POL/$1" ;; esac }
	# hwdb_run ARGS: run_vio in a mount namespace of its own where /etc/udev/hwdb.bin is vio's
	# hwdb alone (libudev reads it there, and umockdev does not redirect it); umockdev only.
	hwdb_run() {
		if [ ! -e "$TB/hwdb/etc/udev/hwdb.bin" ]; then
			mkdir -p "$TB/hwdb/etc/udev/hwdb.d"
			cp hwdb/60-vio.hwdb "$TB/hwdb/etc/udev/hwdb.d/"
			systemd-hwdb --root="$TB/hwdb" update
		fi
		RC=0
		# shellcheck disable=SC2016 # expanded by the inner shell
		TB=$TB PRELOAD=$ASAN_PRELOAD$PRELOAD VIO=$VIO unshare -m bash -c '
			mount --make-rprivate / && mount -t tmpfs tmpfs /etc/udev &&
			cp "$TB/hwdb/etc/udev/hwdb.bin" /etc/udev/ &&
			UMOCKDEV_DIR=$TB LD_PRELOAD=$PRELOAD VIO_LOG_TARGET=stderr VIO_RUNTIME_DIR=$TB/run "$VIO" "$@"' _ "$@" \
			>"$OUT" 2>"$ERR" || RC=$?
	}
	# env_run [VAR=VALUE...] -- ARGS: run_vio with those variables set for it alone (lib.sh's
	# own, VIO and AS_USER, are put back after).
	env_run() {
		local e=() saved=() v k
		while [ "$1" != -- ]; do
			e+=("$1")
			shift
		done
		shift
		for v in "${e[@]}"; do
			k=${v%%=*}
			if [ -n "${!k+x}" ]; then saved+=("$k=${!k}"); else saved+=("$k"); fi
			export "${v?}"
		done
		run_vio "$@"
		for v in "${saved[@]}"; do
			case $v in
			*=*) export "${v?}" ;;
			*) unset "$v" ;;
			esac
		done
	}
	statements "$case"
	tb_cleanup
	finish >/dev/null
}

if [ "${1:-}" = --one ]; then
	one "$2"
	exit 0
fi

if [ $# -gt 0 ]; then
	files=()
	for c in "$@"; do files+=("$CASES/${c%.case}.case"); done
else
	files=("$CASES"/*.case)
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/vio-cases.XXXXXX")
trap 'rm -rf "$out"' EXIT
# Each case alone, VIO_TEST_JOBS at a time; the results in the cases' order. A case whose bed
# holds a vfio group open (through /dev/full, which vio looks for in every process) runs
# after the others, one at a time, so that no other case sees its holder.
run_cases() { # N: the cases named on stdin, N at a time
	# shellcheck disable=SC2016 # expanded by the sh that xargs starts
	xargs -r -P "$1" -I{} sh -c 'bash "$0" --one "$1" >"$2/$(basename "$1")" 2>&1' "$0" {} "$out"
}
grep -L '^vfio-hold' "${files[@]}" | run_cases "${VIO_TEST_JOBS:-$(nproc)}"
grep -l '^vfio-hold' "${files[@]}" | run_cases 1
ok=0 bad=0 n=0
for f in "${files[@]}"; do
	echo "# $(basename "$f" .case): $(sed -n '1s/^# *//p' "$f")"
	while IFS= read -r line; do
		case $line in
		"ok "*) n=$((n + 1)) ok=$((ok + 1)) && echo "ok $n - ${line#ok * - }" ;;
		"not ok "*) n=$((n + 1)) bad=$((bad + 1)) && echo "not ok $n - ${line#not ok * - }" ;;
		*) echo "$line" ;;
		esac
	done <"$out/$(basename "$f")"
	grep -qE '^(not )?ok ' "$out/$(basename "$f")" || { bad=$((bad + 1)) && echo "not ok - $f: no checks ran"; }
done
echo "# $ok passed, $bad failed"
[ "$bad" -eq 0 ]
