"""Writes the corpus's BPMN files in the shapes three modelers save (run by hand: `python -m tests.engine.runtime.corpus._make`).

Each file is described once (pools, lanes, nodes, flows); this writes it with the namespaces, exporter
attributes, extension elements and diagram interchange (DI) that Camunda Modeler 5, the bpmn.io demo and
SpiffArena write, so the tests read files shaped like an office's. The .dmn files are written by hand.
"""
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
NS = {
    "camunda": ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
                'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
                'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0" '
                'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
                'id="Definitions_{id}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" '
                'exporterVersion="5.17.0" modeler:executionPlatform="Camunda Platform" '
                'modeler:executionPlatformVersion="7.20.0"'),
    "bpmnio": ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
               'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
               'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
               'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
               'id="Definitions_{id}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="bpmn-js (https://demo.bpmn.io)" '
               'exporterVersion="17.0.2"'),
    "spiff": ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
              'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
              'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
              'id="Definitions_{id}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" '
              'exporterVersion="3.0.0-dev"'),
}
SIZE = {"startEvent": (36, 36), "endEvent": (36, 36), "intermediateCatchEvent": (36, 36),
        "intermediateThrowEvent": (36, 36), "boundaryEvent": (36, 36), "exclusiveGateway": (50, 50),
        "parallelGateway": (50, 50), "eventBasedGateway": (50, 50), "inclusiveGateway": (50, 50)}


@dataclass
class Node:
    id: str
    tag: str
    name: str = ""
    lane: str = ""
    inner: str = ""          # after the flows: event definitions, scripts, loop characteristics
    head: str = ""           # before the flows: documentation, extension elements
    attrs: str = ""
    col: int = 0


@dataclass
class Pool:
    process_id: str
    name: str
    lanes: dict[str, str]    # lane id -> lane name (a role id or its Thai name)
    nodes: list[Node]
    flows: list[tuple]       # (id, source, target, condition or None)
    extra: str = ""          # messages/signals/correlations are on definitions; this is inside the process
    executable: bool = True


@dataclass
class Model:
    file: str
    flavor: str
    pools: list[Pool]
    top: str = ""            # bpmn:message, bpmn:signal, bpmn:correlationKey … before the processes
    message_flows: list[tuple] = field(default_factory=list)


def _node_xml(node: Node, flows) -> str:
    ins = "".join(f"<bpmn:incoming>{f[0]}</bpmn:incoming>" for f in flows if f[2] == node.id)
    outs = "".join(f"<bpmn:outgoing>{f[0]}</bpmn:outgoing>" for f in flows if f[1] == node.id)
    name = f' name="{escape(node.name)}"' if node.name else ""
    return f'    <bpmn:{node.tag} id="{node.id}"{name}{node.attrs}>{node.head}{ins}{outs}{node.inner}</bpmn:{node.tag}>\n'


def _flow_xml(flow, flavor) -> str:
    fid, src, tgt, cond = flow
    if cond is None:
        return f'    <bpmn:sequenceFlow id="{fid}" sourceRef="{src}" targetRef="{tgt}" />\n'
    xsi = ' xsi:type="bpmn:tFormalExpression"' if flavor != "spiff" else ""
    return (f'    <bpmn:sequenceFlow id="{fid}" sourceRef="{src}" targetRef="{tgt}">'
            f'<bpmn:conditionExpression{xsi}>{escape(cond)}</bpmn:conditionExpression></bpmn:sequenceFlow>\n')


def _process_xml(pool: Pool, flavor: str) -> str:
    lanes = "".join(f'      <bpmn:lane id="{lid}" name="{escape(name)}">'
                    + "".join(f"<bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>" for n in pool.nodes if n.lane == lid)
                    + "</bpmn:lane>\n" for lid, name in pool.lanes.items())
    body = f'    <bpmn:laneSet id="LaneSet_{pool.process_id}">\n{lanes}    </bpmn:laneSet>\n' if pool.lanes else ""
    body += pool.extra + "".join(_node_xml(n, pool.flows) for n in pool.nodes)
    body += "".join(_flow_xml(f, flavor) for f in pool.flows)
    executable = "true" if pool.executable else "false"
    return (f'  <bpmn:process id="{pool.process_id}" name="{escape(pool.name)}" isExecutable="{executable}">\n'
            f"{body}  </bpmn:process>\n")


def _depths(pool: Pool) -> dict:
    """Each node's column: its distance from a node nothing flows into (loops are cut at the node count)."""
    depth = {n.id: 0 for n in pool.nodes if not any(f[2] == n.id for f in pool.flows)}
    for _ in pool.nodes:
        for _, src, tgt, _ in pool.flows:
            if src in depth and depth.get(tgt, -1) < depth[src] + 1 < len(pool.nodes) and tgt not in depth:
                depth[tgt] = depth[src] + 1
    return depth


def _layout(pool: Pool, top: int) -> dict:
    """x by column, y by lane."""
    depth = _depths(pool)
    lanes = list(pool.lanes) or [""]
    boxes = {}
    for node in pool.nodes:
        w, h = SIZE.get(node.tag, (100, 80))
        col = node.col or depth.get(node.id, 0)
        row = lanes.index(node.lane) if node.lane in lanes else 0
        boxes[node.id] = (200 + col * 150 + (100 - w) // 2, top + row * 125 + (125 - h) // 2, w, h)
    return boxes


def _di(model: Model) -> str:
    shapes, edges, top = [], [], 80
    first = model.pools[0].process_id
    for pool in model.pools:
        boxes = _layout(pool, top)
        height = 125 * max(1, len(pool.lanes))
        if len(model.pools) > 1:
            shapes.append(f'      <bpmndi:BPMNShape id="Participant_{pool.process_id}_di" bpmnElement="Participant_{pool.process_id}" isHorizontal="true">'
                          f'<dc:Bounds x="130" y="{top}" width="{200 + 150 * 9}" height="{height}" /></bpmndi:BPMNShape>\n')
        for row, lid in enumerate(pool.lanes):
            shapes.append(f'      <bpmndi:BPMNShape id="{lid}_di" bpmnElement="{lid}" isHorizontal="true">'
                          f'<dc:Bounds x="160" y="{top + 125 * row}" width="{170 + 150 * 9}" height="125" /></bpmndi:BPMNShape>\n')
        for node in pool.nodes:
            x, y, w, h = boxes[node.id]
            marker = ' isMarkerVisible="true"' if node.tag == "exclusiveGateway" else ""
            shapes.append(f'      <bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{marker}>'
                          f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>\n')
        for fid, src, tgt, _ in pool.flows:
            (x1, y1, w1, h1), (x2, y2, _, h2) = boxes[src], boxes[tgt]
            edges.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}"><di:waypoint x="{x1 + w1}" y="{y1 + h1 // 2}" />'
                         f'<di:waypoint x="{x2}" y="{y2 + h2 // 2}" /></bpmndi:BPMNEdge>\n')
        top += height + 40
    plane = f"Collaboration_{model.file.split('.')[0]}" if len(model.pools) > 1 else first
    return (f'  <bpmndi:BPMNDiagram id="BPMNDiagram_1">\n    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{plane}">\n'
            + "".join(shapes) + "".join(edges) + "    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n")


def write(model: Model, folder: Path = HERE) -> None:
    head = NS[model.flavor].format(id=model.file.split(".")[0])
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {head}>\n']
    if len(model.pools) > 1:
        name = f"Collaboration_{model.file.split('.')[0]}"
        participants = "".join(f'    <bpmn:participant id="Participant_{p.process_id}" name="{escape(p.name)}" '
                               f'processRef="{p.process_id}" />\n' for p in model.pools)
        flows = "".join(f'    <bpmn:messageFlow id="{fid}" sourceRef="{src}" targetRef="{tgt}" />\n'
                        for fid, src, tgt in model.message_flows)
        parts.append(f'  <bpmn:collaboration id="{name}">\n{participants}{flows}  </bpmn:collaboration>\n')
    parts.append(model.top)
    parts += [_process_xml(pool, model.flavor) for pool in model.pools]
    parts.append(_di(model))
    parts.append("</bpmn:definitions>\n")
    (folder / model.file).write_text("".join(parts), encoding="utf-8")


if __name__ == "__main__":
    from tests.engine.runtime.corpus._models import MODELS
    for item in MODELS:
        write(item)
    print(f"wrote {len(MODELS)} files to {HERE}")
