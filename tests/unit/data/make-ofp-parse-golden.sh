#!/bin/bash
# Regenerates tests/unit/data/ofp-parse-golden.txt from Open vSwitch's own
# flow parser, so test_ofp_parse checks Sluice against ovs-ofctl itself.
#
# Each output line is   CMD <TAB> KIND <TAB> FLOW <TAB> OVS
#   CMD   add | mod | mod-strict | del | del-strict
#   KIND  same      ovs-ofctl accepts FLOW and prints OVS; Sluice must parse
#                   FLOW and print exactly OVS
#         rejected  ovs-ofctl rejects FLOW with message OVS; Sluice must reject
#         stricter  ovs-ofctl accepts FLOW but changes or extends it (OVS is
#                   what it prints); Sluice rejects it on purpose (ofp_parse.h)
# add lines go through `ovs-ofctl -O OpenFlow10 parse-flow`; mod/del lines
# through `ovs-ofctl -O OpenFlow10 [--strict] mod-flows|del-flows` against a
# tiny fake switch on a unix socket that prints the OFPT_FLOW_MOD it gets,
# which `ovs-ofctl ofp-print` then renders.
#
# Usage: tests/unit/data/make-ofp-parse-golden.sh   (needs ovs-ofctl and
# /usr/bin/python3; writes the golden file next to this script)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/ofp-parse-golden.txt
tmp=$(mktemp -d /tmp/ofpgold.XXXXXX)
sock=$tmp/sw.sock
srv_pid=
cleanup() { [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

cat >"$tmp/fakesw.py" <<'PY'
import socket, struct, sys, os
# Minimal OpenFlow 1.0 peer for ovs-ofctl: answers HELLO, FEATURES, table
# stats, BARRIER and ECHO; prints each FLOW_MOD it receives as hex.
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(path); s.listen(8)
def serve(c):
    def send(t, xid, body=b''):
        c.sendall(struct.pack('!BBHI', 1, t, 8 + len(body), xid) + body)
    send(0, 1)
    buf = b''
    while True:
        try: d = c.recv(65536)
        except socket.timeout: return
        if not d: return
        buf += d
        while len(buf) >= 8:
            v, t, l, xid = struct.unpack('!BBHI', buf[:8])
            if len(buf) < l: break
            m, buf = buf[:l], buf[l:]
            if t == 14: print(m.hex(), flush=True)
            elif t == 18: send(19, xid)
            elif t == 2: send(3, xid, m[8:])
            elif t == 5: send(6, xid, struct.pack('!QIB3xII', 1, 0, 1, 0, 0))
            elif t == 16 and m[8:10] == b'\x00\x03':
                send(17, xid, struct.pack('!HH', 3, 0) + struct.pack(
                    '!B3x32sIIIQQ', 0, b'classifier', 0x3fffff, 1000000, 0, 0, 0))
while True:
    c, _ = s.accept(); c.settimeout(3)
    serve(c); c.close()
PY
/usr/bin/python3 "$tmp/fakesw.py" "$sock" >"$tmp/mods.hex" &
srv_pid=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done

# ovs-ofctl's verdict on one flow: sets ok (0/1) and text.
ovs_verdict() { # cmd flow
    local cmd=$1 flow=$2 so rc before hex
    case $cmd in
    add)
        so=$(ovs-ofctl -O OpenFlow10 parse-flow "$flow" 2>"$tmp/err") && rc=0 || rc=$?
        text=$(printf '%s\n' "$so" | sed -n 's/^[A-Z_]*FLOW_MOD ([^)]*): //p' | head -1)
        # parse-flow names the message NXT_FLOW_MOD when OpenFlow 1.0 cannot express it
        printf '%s\n' "$so" | grep -q '^NXT_FLOW_MOD' && text="(NXT_FLOW_MOD) $text"
        ;;
    *)
        local verb=${cmd%-strict}-flows strict=
        [ "$cmd" != "${cmd%-strict}" ] && strict=--strict
        before=$(wc -l <"$tmp/mods.hex")
        timeout 10 ovs-ofctl -O OpenFlow10 $strict "$verb" "unix:$sock" "$flow" \
            >/dev/null 2>"$tmp/err" && rc=0 || rc=$?
        hex=$(sed -n "$((before + 1))p" "$tmp/mods.hex")
        text=
        [ $rc = 0 ] && text=$(ovs-ofctl ofp-print "$hex" | sed -n 's/^OFPT_FLOW_MOD ([^)]*): //p')
        [ $rc = 0 ] && [ -z "$hex" ] && text="(not OpenFlow 1.0)"
        ;;
    esac
    if [ $rc = 0 ]; then ok=1; else
        ok=0; text=$(grep '^ovs-ofctl: ' "$tmp/err" | tail -1 | sed 's/^ovs-ofctl: //')
    fi
    text=$(printf '%s' "$text" | tr '\t\n' '  ')
}

# Lines Sluice must accept and print exactly as ovs-ofctl does.
GOOD=(
'add|priority=100,tcp,nw_src=10.0.0.0/8,tp_dst=80 actions=mod_nw_src:1.2.3.4,output:3,controller:100'
'add|arp,arp_op=1 actions=flood'
'add|actions=drop'
'add|actions='
'add|in_port=1 actions='
'add|in_port=LOCAL actions=normal'
'add|in_port=local,actions=all'
'add|in_port=65279 actions=1'
'add|in_port=0 actions=1'
'add|in_port=in_port actions=1'
'add|in_port=controller actions=1'
'add|in_port=none actions=1'
'add|in_port=65534 actions=1'
'add|in_port=65280 actions=1'
'add|dl_vlan=0xffff actions=1'
'add|dl_vlan=65535 actions=1'
'add|dl_vlan=4095 actions=1'
'add|dl_vlan=0 actions=1'
'add|dl_vlan=10,dl_vlan_pcp=3 actions=1'
'add|dl_vlan=5,dl_vlan_pcp=0 actions=1'
'add|dl_vlan_pcp=7 actions=1'
'add|dl_src=00:11:22:33:44:55,dl_dst=ff:ff:ff:ff:ff:ff actions=1'
'add|dl_src=0:1:2:3:4:5 actions=1'
'add|dl_dst=AA:BB:CC:DD:EE:FF actions=1'
'add|dl_type=0x0806 actions=1'
'add|dl_type=0x86dd actions=1'
'add|ipv6 actions=1'
'add|dl_type=0x8035 actions=1'
'add|dl_type=0x88cc actions=1'
'add|dl_type=2048 actions=1'
'add|dl_type=0x8847 actions=1'
'add|ip,nw_src=10.0.0.1,nw_dst=192.168.0.0/255.255.0.0 actions=1'
'add|ip,nw_src=10.0.0.1/32 actions=1'
'add|ip,nw_src=10.0.0.1/0 actions=1'
'add|ip,nw_src=10.0.0.1/24 actions=1'
'add|ip,nw_dst=10.1.2.3/255.255.255.255 actions=1'
'add|ip,nw_dst=10.1.2.3/0.0.0.0 actions=1'
'add|ip,nw_src=010.0.0.1 actions=1'
'add|ip,nw_src=0.0.0.0 actions=1'
'add|ip,nw_tos=4 actions=1'
'add|ip,nw_tos=252 actions=1'
'add|ip,nw_tos=0xfc actions=1'
'add|tcp,nw_tos=0 actions=1'
'add|ip,nw_proto=17 actions=1'
'add|ip,nw_proto=1 actions=1'
'add|ip,nw_proto=47 actions=1'
'add|ip,nw_proto=0x11 actions=1'
'add|ip,nw_proto=0 actions=1'
'add|icmp,icmp_type=8,icmp_code=0 actions=1'
'add|icmp,tp_src=3,tp_dst=1 actions=1'
'add|dl_type=0x0800,nw_proto=1,tp_src=3 actions=1'
'add|udp,tp_src=53 actions=1'
'add|tcp,tp_src=65535,tp_dst=0 actions=1'
'add|tcp,tp_dst=0x50 actions=1'
'add|tcp,tp_dst=010 actions=1'
'add|sctp,tp_dst=1 actions=1'
'add|ip,nw_proto=132,tp_src=9 actions=1'
'add|dl_type=0x0800,nw_proto=6,tp_dst=80 actions=1'
'add|arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/8,arp_op=2 actions=1'
'add|arp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_proto=1 actions=1'
'add|arp,arp_op=0 actions=1'
'add|rarp,arp_op=3 actions=1'
'add|rarp,arp_tpa=1.2.3.4 actions=1'
'add|priority=7,tcp,in_port=3,dl_vlan=5,dl_vlan_pcp=2,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=1.1.1.1,nw_dst=2.2.2.2,nw_tos=8,tp_src=1,tp_dst=2 actions=1'
'add|priority=7,arp,in_port=3,dl_vlan=5,dl_vlan_pcp=2,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=1.1.1.1,nw_dst=2.2.2.2,arp_op=1 actions=1'
'add|tp_dst=2,tp_src=1,nw_tos=8,nw_dst=2.2.2.0/24,nw_src=1.1.1.1,dl_dst=00:00:00:00:00:02,dl_src=00:00:00:00:00:01,dl_vlan_pcp=2,dl_vlan=5,in_port=3,tcp,priority=7 actions=1'
'add|dl_vlan=0xffff,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,dl_type=0x1234 actions=1'
'add|eth_src=00:00:00:00:00:01,eth_type=0x800,ip_src=1.2.3.4,ip_proto=6 actions=1'
'add|tcp,udp actions=1'
'add|arp,tcp actions=1'
'add|tcp,ip actions=1'
'add|in_port=1,in_port=2 actions=1'
'add|cookie=0x1,cookie=0x2 actions=1'
'add|priority=0 actions=1'
'add|priority=65535 actions=1'
'add|priority=32768 actions=1'
'add|priority=0x10 actions=1'
'add|cookie=123 actions=1'
'add|cookie=0x0 actions=1'
'add|cookie=0xfedcba9876543210 actions=1'
'add|idle_timeout=65535,hard_timeout=1 actions=1'
'add|idle_timeout=0x10 actions=1'
'add|hard_timeout=0 actions=1'
'add|table=0 actions=1'
'add|send_flow_rem actions=1'
'add|check_overlap,send_flow_rem actions=1'
'add|cookie=0x10,idle_timeout=5,hard_timeout=10,priority=5,send_flow_rem,check_overlap,in_port=LOCAL actions=normal'
'add|duration=1.5s,n_packets=3,n_bytes=100,idle_age=1,hard_age=2,priority=5,in_port=2 actions=1'
'add|actions=output:1,output:65534,output:65533,output:65532,output:65531,output:65530,output:65529,output:65528'
'add|actions=1,in_port,normal,flood,all,controller,local'
'add|actions=controller:0,controller:65535,controller(max_len=200)'
'add|actions=controller:,controller()'
'add|actions=output:controller'
'add|actions=CONTROLLER:1,Normal,LOCAL,In_Port,FLOOD,TABLE'
'add|actions=OUTPUT:1,Mod_Vlan_Vid:3'
'add|actions=enqueue:1:2,enqueue(2,3),enqueue:local:5,enqueue:in_port:0'
'add|actions=enqueue:65279:4294967295'
'add|actions=enqueue:1:0x10'
'add|actions=mod_vlan_vid:10,mod_vlan_pcp:3,strip_vlan'
'add|actions=mod_vlan_vid:4095,mod_vlan_pcp:0,mod_vlan_vid:0x10,mod_vlan_vid:010'
'add|actions=mod_dl_src:00:11:22:33:44:55,mod_dl_dst:66:77:88:99:aa:bb'
'add|actions=mod_dl_src:1:2:3:4:5:6,mod_dl_dst:00:00:00:00:00:00'
'add|ip,actions=mod_nw_src:1.2.3.4,mod_nw_dst:5.6.7.8,mod_nw_tos:16'
'add|actions=mod_nw_tos:0xfc,mod_nw_tos:0'
'add|tcp,actions=mod_tp_src:1,mod_tp_dst:65535'
'add|actions=output:1 output:2'
'add|actions=output(1),mod_vlan_vid(5)'
'add|actions=,1'
'add|actions=1,,2'
'add|actions=all,all'
'add|actions=output:0'
'add|actions=output:65279'
'add|in_port=1, actions=1'
'add|priority=1,, ,actions=1'
'add|   in_port=1   tcp  , tp_dst=80 actions=1'
'add|in_port:1 actions=1'
'add|in_port(1) actions=1'
'add|in_port=1 actions=1, 2 ,3'
'add|in_port=1 actions=in_port,output:in_port'
'add|in_port=1 action=1'
'mod|in_port=1 actions=2'
'mod|cookie=5,idle_timeout=5,send_flow_rem,in_port=2 actions=drop'
'mod|priority=9,tcp actions=output:3'
'mod|tcp,tp_dst=22 actions='
'mod-strict|priority=3,in_port=1 actions=2'
'mod-strict|actions=normal'
'mod-strict|hard_timeout=9,check_overlap,udp,tp_src=5 actions=enqueue:1:1'
'del|in_port=1'
'del|'
'del|out_port=2'
'del|in_port=1,out_port=LOCAL'
'del|tcp,nw_dst=10.0.0.0/8,tp_dst=80'
'del|table=0,udp'
'del|out_port=CONTROLLER'
'del-strict|priority=5,in_port=1,out_port=2'
'del-strict|'
'del-strict|priority=0,arp'
)

# Lines Sluice must reject (ovs-ofctl rejects them too, or changes them).
BAD=(
'add|foo=1 actions=1'
'add|IN_PORT=1 actions=1'
'add|TCP actions=1'
'add|in_port=1 ACTIONS=1'
'add|in_port=1'
'add|'
'add|actions'
'add|in_port = 1 actions=1'
'add|ip,nw_src=1.2.3 actions=1'
'add|ip,nw_src=256.0.0.1 actions=1'
'add|ip,nw_src=1.2.3.4/ actions=1'
'add|ip,nw_src=host actions=1'
'add|ip,nw_src=10.0.0.1/33 actions=1'
'add|ip,nw_src=10.0.0.1/-1 actions=1'
'add|ip,nw_src=10.0.0.1/255.0.255.0 actions=1'
'add|dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00 actions=1'
'add|dl_src=00:11:22:33:44 actions=1'
'add|dl_src=00:11:22:33:44:5g actions=1'
'add|dl_src=00-11-22-33-44-55 actions=1'
'add|dl_src=00:11:22:33:44:55:66 actions=1'
'add|arp,arp_sha=00:11:22:33:44:55 actions=1'
'add|ipv6,nw_proto=6 actions=1'
'add|actions=bar'
'add|actions=foo:1'
'add|actions=output:foo'
'add|actions=output:'
'add|actions=mod_vlan_vid'
'add|actions=mod_vlan_vid:4096'
'add|actions=mod_vlan_pcp:8'
'add|ip,actions=mod_nw_tos:17'
'add|ip,actions=mod_nw_tos:256'
'add|udp,actions=mod_tp_dst:65536'
'add|actions=mod_nw_src:1.2.3.4/24'
'add|actions=mod_nw_src:1.2.3.4.5'
'add|actions=enqueue:1'
'add|actions=enqueue()'
'add|actions=enqueue:1:'
'add|actions=enqueue:foo:1'
'add|actions=enqueue(1,2,3)'
'add|actions=enqueue:1:2:3'
'add|actions=enqueue:all:1'
'add|actions=enqueue:normal:1'
'add|actions=enqueue:65279:4294967296'
'add|actions=controller:65536'
'add|actions=controller:0x10'
'add|actions=controller:abc'
'add|actions=controller(max_len=abc)'
'add|actions=controller(reason=no_match)'
'add|actions=output:65280'
'add|actions=output:65535'
'add|actions=output:none'
'add|actions=ANY'
'add|actions=output:0x10'
'add|actions=0x10'
'add|actions=output:-1'
'add|actions=output:1:2'
'add|actions=1,drop'
'add|actions=drop,1'
'add|actions=1 # comment'
'add|actions=set_queue:1'
'add|actions=resubmit:1'
'add|actions=output(port=1,max_len=100)'
'add|actions=strip_vlan:1'
'add|actions=normal:1'
'add|actions=1,in_port=3'
'add|in_port=0xfffe actions=1'
'add|in_port=65536 actions=1'
'add|in_port=foo actions=1'
'add|priority=65536 actions=1'
'add|priority=-1 actions=1'
'add|cookie=0x1/0xff actions=1'
'add|cookie=0x1ffffffffffffffff actions=1'
'add|table=1 actions=1'
'add|table=0x0 actions=1'
'add|table=255 actions=1'
'add|out_port=1 actions=1'
'add|buffer_id=5 actions=1'
'add|dl_vlan=4096 actions=1'
'add|dl_vlan=-1 actions=1'
'add|dl_vlan_pcp=8 actions=1'
'add|dl_vlan=0xffff,dl_vlan_pcp=3 actions=1'
'add|dl_type=0x10000 actions=1'
'add|ip,nw_tos=1 actions=1'
'add|ip,nw_tos=256 actions=1'
'add|tcp,tp_src=65536 actions=1'
'add|tcp,tp_dst=-1 actions=1'
'add|tcp,tp_dst=80x actions=1'
'add|tcp,tp_dst= actions=1'
'add|tcp,tp_dst actions=1'
'add|icmp,icmp_type=256 actions=1'
'add|arp,arp_op=256 actions=1'
'add|tp_dst=80 actions=1'
'add|ip,tp_dst=80 actions=1'
'add|nw_proto=6,tp_dst=80 actions=1'
'add|ip,nw_proto=47,tp_dst=1 actions=1'
'add|arp,nw_tos=4 actions=1'
'add|nw_src=1.1.1.1 actions=1'
'add|dl_type=0x1234,nw_src=1.1.1.1 actions=1'
'add|tcp,icmp_type=8 actions=1'
'add|ip,arp_spa=1.2.3.4 actions=1'
'add|ip,arp_op=1 actions=1'
'add|tcp=5 actions=1'
'mod|in_port=1'
'mod|out_port=1 actions=1'
'mod|cookie=1/1 actions=1'
'del|in_port=1 actions=drop'
'del|priority=5'
'del|idle_timeout=5'
'del|send_flow_rem'
'del|cookie=5'
'del|out_port=foo'
'del-strict|out_port=65536'
'del|table=1'
)

# 128 outputs fit one flow_mod; 129 is OFPBAC_TOO_MANY for Sluice.
many=$(seq -s, 1 128)
GOOD+=("add|actions=$many")
BAD+=("add|actions=$many,129")

: >"$out.tmp"
for e in "${GOOD[@]}"; do
    cmd=${e%%|*} flow=${e#*|}
    ovs_verdict "$cmd" "$flow"
    if [ $ok != 1 ] || [ "${text#(}" != "$text" ]; then
        echo "make-ofp-parse-golden: ovs-ofctl does not accept GOOD line: $cmd $flow: $text" >&2
        exit 1
    fi
    printf '%s\tsame\t%s\t%s\n' "$cmd" "$flow" "$text" >>"$out.tmp"
done
for e in "${BAD[@]}"; do
    cmd=${e%%|*} flow=${e#*|}
    ovs_verdict "$cmd" "$flow"
    kind=rejected; [ $ok = 1 ] && kind=stricter
    printf '%s\t%s\t%s\t%s\n' "$cmd" "$kind" "$flow" "$text" >>"$out.tmp"
done
mv "$out.tmp" "$out"
echo "wrote $(wc -l <"$out") lines to $out"
