"""A small OpenFlow 1.0 L2-learning controller for the integration tests.

Run with:  osken-manager --ofp-tcp-listen-port PORT tests/integration/osken_l2.py
(or /usr/bin/python3 -m os_ken.cmd.manager ...).

On every packet_in it learns the source MAC on the ingress port; when the
destination MAC is known it installs an exact in_port+dl_dst+dl_src flow
(idle_timeout 30 s) towards the learned port and forwards the packet with a
packet_out, otherwise it floods the packet.  It logs one line per switch that
connects ("osken_l2: switch connected dpid=...") and one per flow it installs
("osken_l2: flow dpid=... in_port=... dst=... out=..."), which the test
runner greps to know the switch really is under the app's control.
"""
from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER
from os_ken.controller.handler import set_ev_cls
from os_ken.lib.packet import ethernet, packet
from os_ken.ofproto import ofproto_v1_0


class L2Learning(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_0.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mac_to_port = {}

    def _say(self, text):
        print("osken_l2: " + text, flush=True)

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def switch_features(self, ev):
        msg = ev.msg
        self._say("switch connected dpid=%016x ports=%d"
                  % (msg.datapath_id, len(msg.ports)))

    def _add_flow(self, dp, in_port, dst, src, out_port):
        ofp, parser = dp.ofproto, dp.ofproto_parser
        match = parser.OFPMatch(in_port=in_port, dl_dst=dst, dl_src=src)
        mod = parser.OFPFlowMod(
            datapath=dp, match=match, cookie=0x5eed,
            command=ofp.OFPFC_ADD, idle_timeout=30, hard_timeout=0,
            priority=ofp.OFP_DEFAULT_PRIORITY,
            flags=ofp.OFPFF_SEND_FLOW_REM,
            actions=[parser.OFPActionOutput(out_port)])
        dp.send_msg(mod)
        self._say("flow dpid=%016x in_port=%d dst=%s out=%d"
                  % (dp.id, in_port, dst, out_port))

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def packet_in(self, ev):
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        eth = packet.Packet(msg.data).get_protocol(ethernet.ethernet)
        if eth is None:
            return
        table = self.mac_to_port.setdefault(dp.id, {})
        table[eth.src] = msg.in_port
        out_port = table.get(eth.dst, ofp.OFPP_FLOOD)
        if out_port != ofp.OFPP_FLOOD:
            self._add_flow(dp, msg.in_port, eth.dst, eth.src, out_port)
        data = msg.data if msg.buffer_id == ofp.OFP_NO_BUFFER else None
        out = parser.OFPPacketOut(
            datapath=dp, buffer_id=msg.buffer_id, in_port=msg.in_port,
            actions=[parser.OFPActionOutput(out_port)], data=data)
        dp.send_msg(out)

    @set_ev_cls(ofp_event.EventOFPFlowRemoved, MAIN_DISPATCHER)
    def flow_removed(self, ev):
        self._say("flow removed reason=%d" % ev.msg.reason)
