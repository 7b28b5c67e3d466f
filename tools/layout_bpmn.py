"""Regenerate the BPMNDiagram (DI) section of BPMN files from their semantic model.

Usage: python tools/layout_bpmn.py FILE.bpmn [...]   (rewrites each file in place)
A pool per participant (a bare plane for a lone process), a row per lane in document order, nodes
in columns by longest-path distance from the start (loops ignored), orthogonal edges, loops routed
below/above the target's lane, collapsed subprocesses with a diagram each. The semantic XML is
kept byte for byte; only the trailing BPMNDiagram elements are replaced.
"""
import re
import sys
from collections import Counter
from pathlib import Path

from lxml import etree

BPMN = 'http://www.omg.org/spec/BPMN/20100524/MODEL'
NS = {'bpmn': BPMN, 'bpmndi': 'http://www.omg.org/spec/BPMN/20100524/DI',
      'dc': 'http://www.omg.org/spec/DD/20100524/DC', 'di': 'http://www.omg.org/spec/DD/20100524/DI'}
COL_W, ROW_H, CHANNEL = 180, 120, 30     # column pitch, row pitch in a lane, loop channel height
LABEL_W, POOL_GAP, ORIGIN = 30, 40, (160, 80)
ACTIVITIES = ('task', 'callActivity', 'subProcess', 'transaction', 'adHocSubProcess')
SUBPROCESSES = ACTIVITIES[2:]


def q(prefix, tag):
    return '{%s}%s' % (NS[prefix], tag)


def local(el):
    return etree.QName(el).localname


def size(el):
    tag = local(el)
    return (50, 50) if tag.endswith('Gateway') else (36, 36) if tag.endswith('Event') else (120, 80)


def flow_nodes(container):
    return [el for el in container if isinstance(el.tag, str) and el.tag.startswith('{%s}' % BPMN)
            and (local(el) in ACTIVITIES or local(el).endswith(('Task', 'Event', 'Gateway')))]


def back_edges(nodes, edges):
    """Ids of the edges that close a cycle (depth-first search from the nodes nobody enters)."""
    succ, entered, state, back = {n: [] for n in nodes}, {t for _, _, t in edges}, {}, set()
    for fid, s, t in edges:
        succ[s].append((fid, t))
    for root in [n for n in nodes if n not in entered] + nodes:
        if root in state:
            continue
        state[root], stack = 'open', [(root, iter(succ[root]))]
        while stack:
            node, it = stack[-1]
            step = next(it, None)
            if step is None:
                state[node] = 'done'
                stack.pop()
            elif state.get(step[1]) == 'open':
                back.add(step[0])
            elif step[1] not in state:
                state[step[1]] = 'open'
                stack.append((step[1], iter(succ[step[1]])))
    return back


def columns(nodes, edges):
    """Longest-path column of every node over acyclic weighted edges (s, t, weight)."""
    col = dict.fromkeys(nodes, 0)
    for _ in nodes:                              # |nodes| rounds of relaxation reach the fixpoint
        for s, t, w in edges:
            col[t] = max(col[t], col[s] + w)
    return col


def slots(nodes, preds, col, lane, attached):
    """Row of each node inside its lane: its first predecessor's row when free, else the first free."""
    taken, slot = set(), {}
    for n in sorted(nodes, key=lambda n: (col[n], n in attached, nodes.index(n))):
        if n in attached:                        # its flows leave below the host
            slot[n] = slot[attached[n]] + 1
            continue
        wanted = [slot[p] for p in preds[n] if p in slot and lane[p] == lane[n]]
        s = wanted[0] if wanted and (lane[n], col[n], wanted[0]) not in taken else 0
        while (lane[n], col[n], s) in taken:
            s += 1
        taken.add((lane[n], col[n], s))
        slot[n] = s
    return slot


def lanes_of(container, nodes):
    """Leaf lanes in document order and each node's lane index (0 when it has none)."""
    lanes = [ln for ln in container.iterfind('bpmn:laneSet//bpmn:lane', NS)
             if ln.find('bpmn:childLaneSet', NS) is None]
    index = {ref.text.strip(): i for i, ln in enumerate(lanes) for ref in ln.iterfind('bpmn:flowNodeRef', NS)}
    return lanes, {n: index.get(n, 0) for n in nodes}


class Layout:
    """Lays out containers (processes, subprocesses) on one BPMNPlane."""

    def __init__(self, plane):
        self.plane, self.box = plane, {}

    def shape(self, el_id, x, y, w, h, **attrs):
        sh = etree.SubElement(self.plane, q('bpmndi', 'BPMNShape'), id=el_id + '_di', bpmnElement=el_id, **attrs)
        etree.SubElement(sh, q('dc', 'Bounds'), x=str(round(x)), y=str(round(y)),
                         width=str(round(w)), height=str(round(h)))

    def edge(self, el_id, points):
        ed = etree.SubElement(self.plane, q('bpmndi', 'BPMNEdge'), id=el_id + '_di', bpmnElement=el_id)
        for x, y in [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]:
            etree.SubElement(ed, q('di', 'waypoint'), x=str(round(x)), y=str(round(y)))

    def place(self, container, x0, y0, pool_id=None):
        """Lay out a container with its top-left corner at (x0, y0); return its height."""
        elements = {el.get('id'): el for el in flow_nodes(container)}
        nodes, self.kind = list(elements), {n: local(el) for n, el in elements.items()}
        flows = [(f.get('id'), f.get('sourceRef'), f.get('targetRef'))
                 for f in container.iterfind('bpmn:sequenceFlow', NS)]
        attached = {n: el.get('attachedToRef') for n, el in elements.items() if local(el) == 'boundaryEvent'}
        back = back_edges(nodes, flows + [(None, h, ev) for ev, h in attached.items()]) - {None}
        forward = [(s, t) for f, s, t in flows if f not in back]
        col = columns(nodes, [(s, t, 1) for s, t in forward] + [(h, ev, 0) for ev, h in attached.items()])
        lanes, self.lane = lanes_of(container, nodes)
        slot = slots(nodes, {n: [s for s, t in forward if t == n] for n in nodes}, col, self.lane, attached)
        rows = [1 + max([slot[n] for n in nodes if self.lane[n] == i] or [0]) for i in range(max(len(lanes), 1))]
        self.lane_h = [r * ROW_H + 2 * CHANNEL for r in rows]
        self.lane_y = [y0 + sum(self.lane_h[:i]) for i in range(len(rows))]
        pool_x = x0 + (LABEL_W if pool_id else 0)
        left = pool_x + (LABEL_W if lanes else 0) + 30
        for n in sorted(nodes, key=lambda n: n in attached):   # hosts before their boundary events
            w, h = size(elements[n])
            if n in attached:                    # on the host's lower border, from the right
                hx, hy, hw, hh = self.box[attached[n]]
                k = sorted(e for e in attached if attached[e] == attached[n]).index(n)
                self.box[n] = (hx + hw - 46 - 40 * k, hy + hh - 18, w, h)
            else:
                cy = self.lane_y[self.lane[n]] + CHANNEL + slot[n] * ROW_H + ROW_H / 2
                self.box[n] = (left + col[n] * COL_W + 60 - w / 2, cy - h / 2, w, h)
        width = left - x0 + (max(col.values(), default=0) + 1) * COL_W
        if pool_id:
            self.box[pool_id] = (x0, y0, width, sum(self.lane_h))
            self.shape(pool_id, *self.box[pool_id], isHorizontal='true')
        for ln, y, h in zip(lanes, self.lane_y, self.lane_h, strict=False):
            self.shape(ln.get('id'), pool_x, y, width - (pool_x - x0), h, isHorizontal='true')
        self.draw(elements, flows, back, forward)
        return sum(self.lane_h)

    def draw(self, elements, flows, back, forward):
        """Shapes of the placed nodes and edges of their sequence flows."""
        for n, el in elements.items():
            self.shape(n, *self.box[n], **({'isMarkerVisible': 'true'} if local(el) == 'exclusiveGateway' else
                                           {'isExpanded': 'false'} if local(el) in SUBPROCESSES else {}))
        self.channels = Counter()
        self.fan = Counter(x for s, t in forward for x in ((s, 'out'), (t, 'in')))
        for fid, s, t in flows:
            self.edge(fid, self.route(s, t, fid in back))

    def route(self, s, t, is_back):
        """Orthogonal waypoints from node s to node t of the container being placed."""
        lane, kind = self.lane, self.kind
        sx, sy, sw, sh = self.box[s]
        tx, ty, tw, th = self.box[t]
        scx, scy, tcx, tcy = sx + sw / 2, sy + sh / 2, tx + tw / 2, ty + th / 2
        if is_back:                              # loop: through a channel of the target's lane
            above = lane[s] < lane[t]
            self.channels[lane[t], above] += 1
            offset = 8 * self.channels[lane[t], above]
            yc = self.lane_y[lane[t]] + (CHANNEL - offset if above else self.lane_h[lane[t]] - CHANNEL + offset)
            ys = sy if lane[s] > lane[t] else sy + sh
            return [(scx, ys), (scx, yc), (tcx, yc), (tcx, ty if above else ty + th)]
        if kind[s] == 'boundaryEvent':           # leave downwards, then go round
            if tcy > sy + sh:
                return [(scx, sy + sh), (scx, tcy), (tx, tcy)]
            return [(scx, sy + sh), (scx, sy + sh + 20), (tcx, sy + sh + 20), (tcx, ty + th)]
        if abs(scy - tcy) < 1:
            return [(sx + sw, scy), (tx, tcy)]
        down = tcy > scy                         # splits leave, joins enter, by a top/bottom corner
        if kind[s].endswith('Gateway') and self.fan[s, 'out'] > 1:
            return [(scx, sy + sh if down else sy), (scx, tcy), (tx, tcy)]
        if kind[t].endswith('Gateway') and self.fan[t, 'in'] > 1:
            return [(sx + sw, scy), (tcx, scy), (tcx, ty if down else ty + th)]
        mid = tx - (COL_W - 120) / 2
        return [(sx + sw, scy), (mid, scy), (mid, tcy), (tx, tcy)]


def new_plane(root, element_id):
    diagram = etree.SubElement(root, q('bpmndi', 'BPMNDiagram'), id=element_id + '_diagram')
    return etree.SubElement(diagram, q('bpmndi', 'BPMNPlane'), id=element_id + '_plane', bpmnElement=element_id)


def layout(root):
    """Append fresh BPMNDiagram elements for the collaboration (or processes) and subprocesses."""
    processes = {p.get('id'): p for p in root.iterfind('bpmn:process', NS)}
    collab, containers = root.find('bpmn:collaboration', NS), []
    if collab is not None:
        lay, (x, y) = Layout(new_plane(root, collab.get('id'))), ORIGIN
        for part in collab.iterfind('bpmn:participant', NS):
            proc = processes.get(part.get('processRef'))
            if proc is None:                     # black-box pool
                lay.box[part.get('id')] = (x, y, 600, 100)
                lay.shape(part.get('id'), x, y, 600, 100, isHorizontal='true')
            else:
                containers.append(proc)
            y += (100 if proc is None else lay.place(proc, x, y, pool_id=part.get('id'))) + POOL_GAP
        for mf in collab.iterfind('bpmn:messageFlow', NS):   # vertical, with a jog half-way
            (sx, sy, sw, sh), (tx, ty, tw, th) = lay.box[mf.get('sourceRef')], lay.box[mf.get('targetRef')]
            y1, y2 = (sy + sh, ty) if ty > sy else (sy, ty + th)
            lay.edge(mf.get('id'), [(sx + sw / 2, y1), (sx + sw / 2, (y1 + y2) / 2),
                                    (tx + tw / 2, (y1 + y2) / 2), (tx + tw / 2, y2)])
    else:
        for proc in processes.values():
            Layout(new_plane(root, proc.get('id'))).place(proc, *ORIGIN)
            containers.append(proc)
    while containers:                            # collapsed subprocesses: one diagram each
        containers = [el for c in containers for el in flow_nodes(c)
                      if local(el) in SUBPROCESSES and flow_nodes(el)]
        for el in containers:
            Layout(new_plane(root, el.get('id'))).place(el, *ORIGIN)


def relayout(text):
    """Return the BPMN text with its BPMNDiagram elements (at the end of the file) regenerated."""
    old = re.search(r'<(\w+:)?BPMNDiagram\b', text)
    close = text.rindex('</')                    # the closing tag of <definitions>
    head = text[:old.start()] if old else text[:close].rstrip() + '\n  '
    tag = re.search(r'<(\w+:)?definitions\b', head)   # declare missing DI prefixes once, there
    head = head[:tag.end()] + ''.join(f' xmlns:{p}="{NS[p]}"' for p in ('bpmndi', 'dc', 'di')
                                      if f'"{NS[p]}"' not in head) + head[tag.end():]
    root = etree.fromstring((head + text[close:]).encode('utf-8'))
    root.append(etree.Comment('layout'))
    layout(root)
    for d in root.findall('bpmndi:BPMNDiagram', NS):
        etree.indent(d, space='  ', level=1)
        d.tail = '\n  '
    root[-1].tail = '\n'
    new = etree.tostring(root, encoding='unicode')
    return head + new[new.index('<!--layout-->') + len('<!--layout-->'):].lstrip() + text[text.rindex('>') + 1:]


def main(paths):
    for path in paths:
        text = relayout(Path(path).read_text(encoding='utf-8'))
        Path(path).write_text(text, encoding='utf-8')
        print(f'{path}: {text.count("BPMNShape id=")} shapes, {text.count("BPMNEdge id=")} edges')


if __name__ == '__main__':
    main(sys.argv[1:] or sys.exit(__doc__))
