#!/bin/busybox sh
# The real-kernel test's guest script: sourced by the kit's /init (guest-init.sh) once NVMe is live and nvmet
# subsystem testnqn namespace 1 exists (disabled, p2pmem 0). It only gathers facts; the checks are the xunit facts
# in RealKernelTests.cs, which read these lines from the console log:
#   RK-RESULT <name> <value>      one line each (JSON from .NET is joined onto one line); a name may repeat
#   RK-TIME <name> <seconds>      guest uptime when a milestone was reached
# Kernel messages are kept off the console (printk level 1) so they cannot split a result line; dmesg is printed
# whole at the end. The result lines are printed together at the end, after the log followers are stopped.
# Do not `exit` here: this runs inside PID 1. GK_RC: 0 when every step ran (the verdicts are the host's).
A=/opt/gk
P2PCTL=$A/p2pctl/p2pctl
NODE=$A/Node/Orchestrator.Node
CTL=$A/Controller/Orchestrator.Controller
REST_PORT=5080
# testnqn/1: made by the kit's /init (the kernel takes any directory name); our REST edge takes only NVMe qualified
# names (RequestRules), so the placements go to VNQN/1, a second subsystem on the same device made below
KNQN=testnqn
VNQN=nqn.2014-08.io.p2pmem-orchestrator:testnqn
NS=/sys/kernel/config/nvmet/subsystems/$KNQN/namespaces/1
H=$(hostname)
WAIT_MAX=${RK_WAIT_MAX:-900}
R=/tmp/rk.results
: > $R
FOLLOW=""
up() { cut -d' ' -f1 /proc/uptime; }
later() { awk -v u="$(up)" -v l="$1" 'BEGIN{exit !(u > l)}'; }
deadline() { awk -v s="$(up)" -v w="${1:-$WAIT_MAX}" 'BEGIN{print s + w}'; }
alive() { [ -d /proc/$1 ] && ! grep -q '^State:[[:space:]]*Z' /proc/$1/status 2>/dev/null; }
res() { echo "RK-RESULT $1 $2" >> $R; }
# resfile NAME FILE: FILE's text as one line (JSON keeps its meaning without newlines)
resfile() { res "$1" "$(tr -d '\r\n' < "$2" 2>/dev/null)"; }
mark() { echo "RK-TIME $1 $(up)"; echo "RK-TIME $1 $(up)" >> $R; }
follow() { touch "$2"; tail -n +1 -f "$2" | while IFS= read -r _l; do echo "GK-LOG $1 $_l"; done & FOLLOW="$FOLLOW $!"; }
jstr() { printf '"%s"' "$1"; }
nsval() { cat $NS/$1 2>&1 | tr -d '\n'; }
# attr DIR FILE: a namespace attribute of DIR as one line
attr() { cat $1/$2 2>&1 | tr -d '\n'; }
# bdf PATH: the last PCI address in PATH's real path (the function nearest above a block device)
bdf() { readlink -f $1 | tr '/' '\n' | grep -E '^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$' | tail -1; }
# http METHOD PATH [BODY [IDEMPOTENCY-KEY]]: one HTTP/1.0 exchange with the controller's REST bridge (busybox nc;
# wget drops the body of a 4xx). Sets HS (status code, 000 when none) and HB (the body, in /tmp/http.body).
# nc's stdin stays open until the answer is in: busybox nc half-closes the socket at EOF on stdin, and Kestrel takes
# that as the client gone and aborts the request (a slow one never answers).
http() {
    _m=$1; _p=$2; _b=${3:-}; _k=${4:-}
    {
        printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n' "$_m" "$_p"
        [ -n "$_k" ] && printf 'Idempotency-Key: %s\r\n' "$_k"
        [ -n "$_b" ] && printf 'Content-Type: application/json\r\nContent-Length: %s\r\n' "${#_b}"
        printf '\r\n'
        [ -n "$_b" ] && printf '%s' "$_b"
    } > /tmp/http.req
    rm -f /tmp/http.in; mkfifo /tmp/http.in
    { cat /tmp/http.req; exec sleep 300; } > /tmp/http.in &
    _hp=$!
    timeout 240 nc 127.0.0.1 $REST_PORT < /tmp/http.in > /tmp/http.resp 2>/tmp/http.err
    kill $_hp 2>/dev/null; wait $_hp 2>/dev/null
    HS=$(head -1 /tmp/http.resp | awk '{print $2}'); HS=${HS:-000}
    awk 'b{print} /^\r?$/{b=1}' /tmp/http.resp | tr -d '\r\n' > /tmp/http.body
    HB=/tmp/http.body
}
# place ID BODY: POST a placement, once more with the same Idempotency-Key on 503 or no answer (TCG is slow)
place() {
    http POST /api/v1/placements "$2" "$1"
    case $HS in 5*|000) echo "RK place $1 answered $HS, retrying with the same key"; sleep 5; http POST /api/v1/placements "$2" "$1" ;; esac
}
# waitattr DIR FILE WANT SECONDS: wait until the namespace attribute DIR/FILE reads WANT (or differs from it with !WANT)
waitattr() {
    _l=$(deadline $4)
    while :; do
        _v=$(attr $1 $2)
        case $3 in '!'*) [ "$_v" != "${3#!}" ] && break ;; *) [ "$_v" = "$3" ] && break ;; esac
        later $_l && break
        usleep 200000
    done
}
waitns() { waitattr $NS "$@"; }
# waitview ID TEXT SECONDS: GET the placement until its JSON contains TEXT (left in $HB)
waitview() {
    _l=$(deadline $3)
    while :; do
        http GET /api/v1/placements/$1
        grep -q "$2" $HB && break
        later $_l && break
        sleep 1
    done
}

echo 1 > /proc/sys/kernel/printk
mark script-start
echo "RK host=$H kernel=$(uname -r) cpus=$(nproc) cmdline=$(cat /proc/cmdline)"
# TCG is 10-30x slower than a host, more on a loaded one: the kit's timeouts (recovery 300 s, heartbeats 30 s, the REST
# ask 3 min) plus the SQL journal's and snapshot store's call timeout (10 s by default: a first SQLite write of a pool
# or of the coordinator timed out under load and its actor restarted with backoff)
# (recovery once took more than 300 s for a pool's snapshot on a loaded host: 900 s here, the waits below end sooner)
TCG_HOCON='akka.persistence.journal.sql.recovery-event-timeout = 900s
akka.persistence.journal-plugin-fallback.recovery-event-timeout = 900s
akka.persistence.journal.sql.circuit-breaker.call-timeout = 300s
akka.persistence.snapshot-store.sql.circuit-breaker.call-timeout = 300s
akka.cluster.failure-detector.acceptable-heartbeat-pause = 30s'
export Orchestrator__Node__ExtraHocon="$TCG_HOCON" Orchestrator__Controller__ExtraHocon="$TCG_HOCON"
export Orchestrator__Api__AskTimeout=00:03:00
# less CPU under emulation: no instrumented tier, methods stay at tier 0 (the run is short), idle thread-pool
# workers do not spin, no background GC thread, fewer gen0 GCs. (The fixture also sets the payload's runtimeconfig
# to interpret expression trees rather than JIT them: linq2db compiles many at its first query.)
export DOTNET_TieredPGO=0 DOTNET_TC_CallCounting=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_gcConcurrent=0 \
       DOTNET_GCgen0size=0x4000000

# ---- start the .NET programs at once: they take most of the time under TCG; the kernel's facts are read meanwhile
$CTL --all-in-one false --journal /tmp/ctl.db --urls http://127.0.0.1:$REST_PORT --bind 127.0.0.1 --port 4053 \
     --node-timeout 00:02:00 > /tmp/ctl.log 2>&1 &
CPID=$!
# A full rediscovery takes tens of seconds under emulation and this boot changes no topology: no periodic rescan.
# (No comment line may sit between the seed's assignment and the command: it would end the command there, and the
# node would run without seeds, never joining the cluster.)
Orchestrator__Cluster__Seeds__0=akka.tcp://orchestrator@127.0.0.1:4053 \
$NODE --sysfs-root / --nvmet-apply true --configfs-root /sys/kernel/config --journal /tmp/node.db \
      --bind 127.0.0.1 --port 4054 --rescan-every 01:00:00 --nvmet-every 00:00:05 > /tmp/node.log 2>&1 &
NPID=$!
$P2PCTL topo tree --sysfs / --json > /tmp/p2pctl-tree.json 2> /tmp/p2pctl-tree.err &
TPID=$!
follow ctl /tmp/ctl.log
follow node /tmp/node.log
mark processes-started

# ---- a. what the kernel reports: every PCI function, its real sysfs path, its p2pmem ----------------------------
PROVS=""
for d in /sys/bus/pci/devices/*; do
    b=${d##*/}; size=null; avail=null; pub=null
    if [ -f $d/p2pmem/size ]; then
        size=$(cat $d/p2pmem/size); avail=$(cat $d/p2pmem/available); pub=$(cat $d/p2pmem/published); PROVS="$PROVS $b"
    fi
    res kernel.pci "{\"bdf\":$(jstr $b),\"path\":$(jstr "$(readlink -f $d)"),\"vendor\":$(jstr "$(cat $d/vendor)"),\"device\":$(jstr "$(cat $d/device)"),\"class\":$(jstr "$(cat $d/class)"),\"p2pmemSize\":$size,\"p2pmemAvailable\":$avail,\"p2pmemPublished\":$pub}"
done
NIC=""
for d in /sys/bus/pci/devices/*; do case "$(cat $d/class)" in 0x02*) NIC=${d##*/}; break ;; esac; done
# the PCI function behind the namespace's block device: the last BDF in /sys/block/<disk>'s real path
DEV=$(nsval device_path)
NSPCI=$(bdf /sys/block/${DEV##*/})
# the drive of the other provider (behind the NIC's switch): a second namespace goes there
ODEV=""; OPCI=""
for b in /sys/block/nvme*; do
    f=$(bdf $b)
    case " $PROVS " in *" $f "*) [ "$f" != "$NSPCI" ] && { ODEV=/dev/${b##*/}; OPCI=$f; } ;; esac
done
res kernel.nic "$NIC"
res kernel.namespace "{\"devicePath\":$(jstr "$DEV"),\"function\":$(jstr "$NSPCI"),\"p2pmem\":$(jstr "$(nsval p2pmem)"),\"enable\":$(jstr "$(nsval enable)")}"
res kernel.other-namespace "{\"devicePath\":$(jstr "$ODEV"),\"function\":$(jstr "$OPCI")}"
echo "RK devices nic=$NIC namespace=$DEV function=$NSPCI other=$ODEV on $OPCI providers=$PROVS"

# ---- c. the kernel's verdict for each provider with the namespace's own function as the client -------------------
# write the provider to p2pmem (disabled namespace), try `echo 1 > enable`, read enable back, disable, reset to 0
for p in $PROVS; do
    nd=$(dmesg | wc -l)
    echo $p > $NS/p2pmem 2> /tmp/w.err; wrc=$?; got=$(nsval p2pmem)
    echo 1 > $NS/enable 2> /tmp/e.err; erc=$?; en=$(nsval enable)
    [ "$en" = 1 ] && echo 0 > $NS/enable
    echo 0 > $NS/p2pmem; after=$(nsval p2pmem)
    res kernel.enable "{\"provider\":$(jstr $p),\"client\":$(jstr "$NSPCI"),\"writeRc\":$wrc,\"writeError\":$(jstr "$(tr -d '\n"' < /tmp/w.err)"),\"p2pmemRead\":$(jstr "$got"),\"enableRc\":$erc,\"enableError\":$(jstr "$(tr -d '\n"' < /tmp/e.err)"),\"enableRead\":$(jstr "$en"),\"p2pmemAfterReset\":$(jstr "$after"),\"dmesg\":$(jstr "$(dmesg | tail -n +$((nd + 1)) | tr -d '"\\' | tr '\n' '|')")}"
done
# the subsystem with a qualified name for the REST placements (disabled, same device)
VS=/sys/kernel/config/nvmet/subsystems/$VNQN
mkdir $VS && echo 1 > $VS/attr_allow_any_host && mkdir $VS/namespaces/1 && echo "$DEV" > $VS/namespaces/1/device_path; vrc=$?
NS=$VS/namespaces/1
# namespace 2 on the other provider's drive, behind the NIC's switch
NS2=$VS/namespaces/2
mkdir $NS2 && echo "$ODEV" > $NS2/device_path; v2rc=$?
res kernel.second-namespace "{\"rc\":$v2rc,\"devicePath\":$(jstr "$(attr $NS2 device_path)"),\"p2pmem\":$(jstr "$(attr $NS2 p2pmem)")}"
res kernel.valid-subsystem "{\"nqn\":$(jstr $VNQN),\"rc\":$vrc,\"devicePath\":$(jstr "$(nsval device_path)"),\"p2pmem\":$(jstr "$(nsval p2pmem)"),\"enable\":$(jstr "$(nsval enable)")}"
mark kernel-checks-done

# ---- a. p2pctl on the live /sys ---------------------------------------------------------------------------------
wait $TPID; trc=$?
mark p2pctl-tree-done
res p2pctl.tree.rc $trc
resfile p2pctl.tree /tmp/p2pctl-tree.json
[ $trc = 0 ] || echo "RK p2pctl stderr: $(cat /tmp/p2pctl-tree.err)"

# ---- the controller ready, the node registered with its pools ---------------------------------------------------
l=$(deadline); ready=0; tries=0
while ! later $l; do
    alive $CPID || { echo "RK controller exited"; break; }
    http GET /readyz; [ "$HS" = 200 ] && { ready=1; break; }
    tries=$((tries + 1)); [ $((tries % 10)) = 1 ] && echo "RK readyz at=$(up) status=$HS $(head -c 300 $HB)"
    sleep 2
done
mark controller-ready
res controller.readyz "{\"ok\":$ready,\"status\":$(jstr $HS)}"
nprov=$(echo $PROVS | wc -w); registered=0
while [ $ready = 1 ] && ! later $l; do
    alive $NPID || { echo "RK node exited"; break; }
    # the node's own word first (cheap), then the controller's view
    grep -q 'registered with the controller' /tmp/node.log || { sleep 1; continue; }
    http GET /api/v1/hosts/$H
    if [ "$HS" = 200 ] && grep -q '"status":"up"' $HB && [ "$(grep -o '"provider":' $HB | wc -l)" -ge "$nprov" ]; then registered=1; break; fi
    sleep 1
done
mark node-registered
res node.registered $registered
resfile controller.host $HB

if [ $registered = 1 ]; then
    # ---- a. the node's discovery, as the controller holds it ----------------------------------------------------
    http GET /api/v1/hosts/$H/topology
    res node.topology.status $HS
    resfile node.topology $HB
    mark node-topology-done

    # ---- c. the controller's verdicts for the namespace's own function as the only client -------------------
    http POST /api/v1/placements/explain "{\"host\":$(jstr $H),\"clients\":[$(jstr $NSPCI)],\"sizeBytes\":1048576}"
    res explain.status $HS
    resfile explain $HB
    mark explain-done

    # ---- b. a placement with an NVMe-oF target: the node writes the provider to the namespace's p2pmem ----------
    # the kit's name first: the kernel made testnqn, our NQN rule refuses it (400) before anything is placed
    place rk-testnqn "{\"host\":$(jstr $H),\"clients\":[$(jstr $NSPCI)],\"sizeBytes\":1048576,\"nvmeof\":{\"subsystemNqn\":\"$KNQN\",\"namespaceId\":1,\"portId\":1}}"
    res testnqn.place.status $HS
    resfile testnqn.place $HB
    [ "${HS#2}" != "$HS" ] && http DELETE /api/v1/placements/rk-testnqn
    target="\"nvmeof\":{\"subsystemNqn\":\"$VNQN\",\"namespaceId\":1,\"portId\":1}"
    res b.before "{\"p2pmem\":$(jstr "$(nsval p2pmem)"),\"enable\":$(jstr "$(nsval enable)")}"
    s=$(up)
    place rk-b "{\"host\":$(jstr $H),\"clients\":[$(jstr $NSPCI)],\"sizeBytes\":1048576,$target}"
    res b.place.status $HS
    resfile b.place $HB
    mark b-placed
    [ "${HS#2}" != "$HS" ] && waitns p2pmem '!0' 120
    res b.applied "{\"p2pmem\":$(jstr "$(nsval p2pmem)"),\"enable\":$(jstr "$(nsval enable)"),\"seconds\":$(awk -v a=$s -v b=$(up) 'BEGIN{print b - a}')}"
    mark b-applied
    s=$(up)
    http DELETE /api/v1/placements/rk-b
    res b.release.status $HS
    resfile b.release $HB
    [ "${HS#2}" != "$HS" ] && waitns p2pmem 0 120
    res b.released "{\"p2pmem\":$(jstr "$(nsval p2pmem)"),\"enable\":$(jstr "$(nsval enable)"),\"seconds\":$(awk -v a=$s -v b=$(up) 'BEGIN{print b - a}')}"
    mark b-released

    # ---- b2. the same target placed for the NIC alone: the node says the namespace is on $NSPCI, behind the other switch
    s=$(up)
    place rk-nic "{\"host\":$(jstr $H),\"clients\":[$(jstr $NIC)],\"sizeBytes\":1048576,$target}"
    res nic.place.status $HS
    resfile nic.place $HB
    if [ "${HS#2}" != "$HS" ]; then
        waitns p2pmem '!0' 120
        got=$(nsval p2pmem)
        echo 1 > $NS/enable 2> /tmp/e.err; erc=$?; en=$(nsval enable)
        [ "$en" = 1 ] && echo 0 > $NS/enable
        res nic.applied "{\"p2pmem\":$(jstr "$got"),\"enableRc\":$erc,\"enableError\":$(jstr "$(tr -d '\n"' < /tmp/e.err)"),\"enableRead\":$(jstr "$en")}"
        http DELETE /api/v1/placements/rk-nic
        res nic.release.status $HS
        waitns p2pmem 0 120
        res nic.released "{\"p2pmem\":$(jstr "$(nsval p2pmem)")}"
    fi
    res nic.after "{\"p2pmem\":$(jstr "$(nsval p2pmem)")}"
    mark nic-done

    # ---- b3. the NIC and the namespace's function together: no provider serves both across the host bridge ------
    place rk-pair "{\"host\":$(jstr $H),\"clients\":[$(jstr $NIC),$(jstr $NSPCI)],\"sizeBytes\":1048576,$target}"
    res pair.place.status $HS
    resfile pair.place $HB
    sleep 2
    res pair.after "{\"p2pmem\":$(jstr "$(nsval p2pmem)")}"
    mark pair-done

    # ---- m. the NIC alone for namespace 2 (on the NIC's switch), with managed enable: placed for the NIC and the
    # namespace's own drive, written and enabled by the node; then reset behind its back (healed), then re-pointed
    # behind its back to a drive the provider cannot serve (the kernel's EINVAL at enable, as the node reports it)
    s=$(up)
    place rk-m "{\"host\":$(jstr $H),\"clients\":[$(jstr $NIC)],\"sizeBytes\":1048576,\"nvmeof\":{\"subsystemNqn\":\"$VNQN\",\"namespaceId\":2,\"portId\":1,\"manageEnable\":true}}"
    res m.place.status $HS
    resfile m.place $HB
    if [ "${HS#2}" != "$HS" ]; then
        waitattr $NS2 enable 1 120
        res m.applied "{\"p2pmem\":$(jstr "$(attr $NS2 p2pmem)"),\"enable\":$(jstr "$(attr $NS2 enable)"),\"seconds\":$(awk -v a=$s -v b=$(up) 'BEGIN{print b - a}')}"
        waitview rk-m '"state":"applied"' 60
        resfile m.view $HB
        mark m-applied

        s=$(up)
        echo 0 > $NS2/enable; echo 0 > $NS2/p2pmem
        res m.reset "{\"p2pmem\":$(jstr "$(attr $NS2 p2pmem)"),\"enable\":$(jstr "$(attr $NS2 enable)")}"
        waitattr $NS2 p2pmem "$OPCI" 120
        waitattr $NS2 enable 1 60
        res m.healed "{\"p2pmem\":$(jstr "$(attr $NS2 p2pmem)"),\"enable\":$(jstr "$(attr $NS2 enable)"),\"seconds\":$(awk -v a=$s -v b=$(up) 'BEGIN{print b - a}')}"
        mark m-healed

        s=$(up)
        echo 0 > $NS2/enable; echo "$DEV" > $NS2/device_path; drc=$?
        if [ $drc != 0 ]; then echo 0 > $NS2/enable; echo "$DEV" > $NS2/device_path; drc=$?; fi  # the node enabled it in between
        waitview rk-m '"state":"error"' 120
        res m.repointed "{\"devicePathRc\":$drc,\"devicePath\":$(jstr "$(attr $NS2 device_path)"),\"p2pmem\":$(jstr "$(attr $NS2 p2pmem)"),\"enable\":$(jstr "$(attr $NS2 enable)"),\"seconds\":$(awk -v a=$s -v b=$(up) 'BEGIN{print b - a}')}"
        resfile m.repointed.view $HB
        mark m-einval

        http DELETE /api/v1/placements/rk-m
        res m.release.status $HS
        waitattr $NS2 p2pmem 0 120
        res m.released "{\"p2pmem\":$(jstr "$(attr $NS2 p2pmem)"),\"enable\":$(jstr "$(attr $NS2 enable)")}"
    fi
    mark m-done
fi

# ---- stop, then print the logs and the results --------------------------------------------------------------------
kill -TERM $NPID $CPID 2>/dev/null
wait $NPID; nrc=$?; wait $CPID; crc=$?
res exit "{\"node\":$nrc,\"controller\":$crc}"
mark stopped
sleep 1; kill $FOLLOW 2>/dev/null
echo "GK-BEGIN dmesg"; dmesg; echo "GK-END dmesg"
echo "RK-BEGIN results"
cat $R
echo "RK-END results"
GK_RC=0
[ $registered = 1 ] || GK_RC=1
