"""The corpus's BPMN files, described once (see _make.py, which writes them)."""
import json
from xml.sax.saxutils import escape, quoteattr

from tests.engine.runtime.corpus._make import Model, Node, Pool

CLERK, HEAD, SUPERVISOR = "เจ้าพนักงานธุรการ", "ผู้อำนวยการกลุ่ม", "ศึกษานิเทศก์"
LC, LH, LS = "Lane_clerk", "Lane_head", "Lane_supervisor"


def start(nid="StartEvent_1", lane=LC, inner=""):
    return Node(nid, "startEvent", "", lane, inner)


def end(nid="EndEvent_1", lane=LC, inner=""):
    return Node(nid, "endEvent", "", lane, inner)


def task(nid, name, lane=LC, tag="task", doc=""):
    head = f"<bpmn:documentation>{escape(doc)}</bpmn:documentation>" if doc else ""
    return Node(nid, tag, name, lane, head=head)


def user(nid, name, lane=LC, fields=(("note", "text", "บันทึก"),), timing="P5D", doc=""):
    form = {"fields": [{"name": n, "type": t, "required": True, "label": label} for n, t, label in fields]}
    head = (f"<bpmn:documentation>{escape(doc)}</bpmn:documentation>" if doc else "") + (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="timing" value="{timing}" /></spiffworkflow:properties>'
        f"<spiffworkflow:form>{escape(json.dumps(form, ensure_ascii=False))}</spiffworkflow:form>"
        "</bpmn:extensionElements>")
    return Node(nid, "userTask", name, lane, head=head)


def script(nid, name, code, lane=LC, camunda=False):
    attrs = ' scriptFormat="python"' if camunda else ""
    return Node(nid, "scriptTask", name, lane, inner=f"<bpmn:script>{escape(code)}</bpmn:script>", attrs=attrs)


def timer(nid, duration, lane=LC, tag="intermediateCatchEvent", typed=True, attrs=""):
    xsi = ' xsi:type="bpmn:tFormalExpression"' if typed else ""
    inner = (f'<bpmn:timerEventDefinition id="TimerEventDefinition_{nid}"><bpmn:timeDuration{xsi}>{duration}'
             "</bpmn:timeDuration></bpmn:timerEventDefinition>")
    return Node(nid, tag, "", lane, inner, attrs=attrs)


def message(nid, ref, lane=LC, tag="intermediateCatchEvent", name="", payload="", variable=""):
    """A message event; SpiffArena writes a thrown payload and a caught variable inside its definition."""
    ext = (f"<spiffworkflow:messagePayload>{escape(payload)}</spiffworkflow:messagePayload>" if payload else "") + (
        f"<spiffworkflow:messageVariable>{variable}</spiffworkflow:messageVariable>" if variable else "")
    body = f"<bpmn:extensionElements>{ext}</bpmn:extensionElements>" if ext else ""
    return Node(nid, tag, name, lane, f'<bpmn:messageEventDefinition id="MessageEventDefinition_{nid}" '
                                      f'messageRef="{ref}">{body}</bpmn:messageEventDefinition>')


def signal(nid, ref, lane=LC, tag="intermediateCatchEvent", name=""):
    return Node(nid, tag, name, lane, f'<bpmn:signalEventDefinition id="SignalEventDefinition_{nid}" signalRef="{ref}" />')


def service(nid, name, operator, params: dict, result, lane=LC):
    items = "".join(f"<spiffworkflow:parameter id={quoteattr(k)} type=\"str\" value={quoteattr(v)} />"
                    for k, v in params.items())
    head = (f'<bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="{result}">'
            f"<spiffworkflow:parameters>{items}</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>"
            "</bpmn:extensionElements>")
    return Node(nid, "serviceTask", name, lane, head=head)


def chain(*ids, prefix="Flow_"):
    """Sequence flows along the ids."""
    return [(f"{prefix}{a}_{b}", a, b, None) for a, b in zip(ids, ids[1:], strict=False)]


def one_pool(file, flavor, pid, name, nodes, flows, lanes=None, top="", extra=""):
    return Model(file, flavor, [Pool(pid, name, lanes or {LC: CLERK}, nodes, flows, extra)], top)


M_REPLY = '  <bpmn:message id="Message_reply" name="reply_received" />\n'

MODELS = [
    one_pool("camunda_plain_task.bpmn", "camunda", "plain_task_camunda", "ตรวจเอกสาร (งานธรรมดา)",
             [start(), task("Activity_check", "ตรวจเอกสาร", doc="ตรวจความครบถ้วนของเอกสารตามคู่มือ ข้อ 3"), end()],
             chain("StartEvent_1", "Activity_check", "EndEvent_1")),
    one_pool("bpmnio_manual_task.bpmn", "bpmnio", "manual_task_bpmnio", "ติดประกาศ (งานมือ)",
             [start(), task("Activity_post", "ติดประกาศที่บอร์ดสำนักงาน", tag="manualTask",
                            doc="พิมพ์ประกาศและติดที่บอร์ดหน้าสำนักงาน"), end()],
             chain("StartEvent_1", "Activity_post", "EndEvent_1"), lanes={LC: "clerk"}),
    one_pool("spiff_user_task.bpmn", "spiff", "user_task_spiff", "รับเรื่องและเสนอ",
             [start(), user("Activity_receive", "รับเรื่อง"), task("Activity_sign", "ลงนาม", LH, tag="manualTask"),
              end(lane=LH)],
             chain("StartEvent_1", "Activity_receive", "Activity_sign", "EndEvent_1"), lanes={LC: CLERK, LH: HEAD}),
    one_pool("camunda_exclusive_gateway.bpmn", "camunda", "exclusive_camunda", "คะแนนผ่านหรือไม่",
             [start(), script("Activity_score", "คิดคะแนน", "score = 75", camunda=True),
              Node("Gateway_pass", "exclusiveGateway", "ผ่าน?", LC, attrs=' default="Flow_fail"'),
              task("Activity_pass", "แจ้งผลผ่าน"), task("Activity_fail", "แจ้งผลไม่ผ่าน"),
              end("EndEvent_pass"), end("EndEvent_fail")],
             chain("StartEvent_1", "Activity_score", "Gateway_pass")
             + [("Flow_pass", "Gateway_pass", "Activity_pass", "score >= 50"),
                ("Flow_fail", "Gateway_pass", "Activity_fail", None)]
             + chain("Activity_pass", "EndEvent_pass") + chain("Activity_fail", "EndEvent_fail")),
    one_pool("bpmnio_parallel_gateway.bpmn", "bpmnio", "parallel_bpmnio", "สองฝ่ายทำพร้อมกัน",
             [start(), Node("Gateway_split", "parallelGateway", "", LC), task("Activity_a", "จัดเตรียมห้อง"),
              task("Activity_b", "อนุมัติงบ", LH), Node("Gateway_join", "parallelGateway", "", LC), end()],
             chain("StartEvent_1", "Gateway_split", "Activity_a", "Gateway_join", "EndEvent_1")
             + chain("Gateway_split", "Activity_b", "Gateway_join"), lanes={LC: CLERK, LH: "group_head"}),
    one_pool("bpmnio_inclusive_gateway.bpmn", "bpmnio", "inclusive_bpmnio", "แจ้งหลายช่องทาง",
             [start(), script("Activity_pick", "เลือกช่องทาง", "by_mail = True\nby_board = True"),
              Node("Gateway_split", "inclusiveGateway", "", LC), task("Activity_mail", "ส่งไปรษณีย์"),
              task("Activity_board", "ติดบอร์ด"), Node("Gateway_join", "inclusiveGateway", "", LC), end()],
             chain("StartEvent_1", "Activity_pick", "Gateway_split")
             + [("Flow_mail", "Gateway_split", "Activity_mail", "by_mail"),
                ("Flow_board", "Gateway_split", "Activity_board", "by_board")]
             + chain("Activity_mail", "Gateway_join") + chain("Activity_board", "Gateway_join", "EndEvent_1")),
    one_pool("spiff_timer_intermediate.bpmn", "spiff", "timer_wait_spiff", "รอหนึ่งวันแล้วทำต่อ",
             [start(), task("Activity_send", "ส่งหนังสือ"), timer("Event_wait", '"P1D"', typed=False),
              task("Activity_follow", "ติดตามผล"), end()],
             chain("StartEvent_1", "Activity_send", "Event_wait", "Activity_follow", "EndEvent_1")),
    one_pool("camunda_timer_boundary.bpmn", "camunda", "timer_boundary_camunda", "งานมีเส้นตาย",
             [start(), task("Activity_review", "พิจารณาเรื่อง"),
              timer("Event_late", "P2D", tag="boundaryEvent", attrs=' attachedToRef="Activity_review"'),
              task("Activity_escalate", "เร่งรัด", LH), end(), end("EndEvent_late", LH)],
             chain("StartEvent_1", "Activity_review", "EndEvent_1") + chain("Event_late", "Activity_escalate",
                                                                             "EndEvent_late"),
             lanes={LC: CLERK, LH: HEAD}),
    one_pool("bpmnio_event_gateway.bpmn", "bpmnio", "event_gateway_bpmnio", "รอคำตอบหรือทวงถาม",
             [start(), task("Activity_send", "ส่งหนังสือสอบถาม"), Node("Gateway_wait", "eventBasedGateway", "", LC),
              message("Event_reply", "Message_reply"), timer("Event_3d", "P3D"),
              task("Activity_file", "เก็บคำตอบ"), task("Activity_chase", "ทวงถาม"), end(), end("EndEvent_2")],
             chain("StartEvent_1", "Activity_send", "Gateway_wait", "Event_reply", "Activity_file", "EndEvent_1")
             + chain("Gateway_wait", "Event_3d", "Activity_chase", "EndEvent_2"), top=M_REPLY),
    one_pool("camunda_event_gateway_timer.bpmn", "camunda", "event_gateway_timer_camunda", "รอสัญญาณหรือหมดเวลา",
             [start(), Node("Gateway_wait", "eventBasedGateway", "", LC), signal("Event_cancel", "Signal_cancel"),
              timer("Event_2d", "P2D"), task("Activity_after", "ดำเนินการต่อเมื่อครบกำหนด"), end(), end("EndEvent_2")],
             chain("StartEvent_1", "Gateway_wait", "Event_2d", "Activity_after", "EndEvent_1")
             + chain("Gateway_wait", "Event_cancel", "EndEvent_2"),
             top='  <bpmn:signal id="Signal_cancel" name="all_cancelled" />\n'),
    one_pool("camunda_message_catch.bpmn", "camunda", "message_catch_camunda", "รอหนังสือตอบ",
             [start(), task("Activity_send", "ส่งหนังสือ"), message("Event_answer", "Message_answer", name="ได้รับคำตอบ"),
              task("Activity_file", "เก็บเข้าแฟ้ม"), end()],
             chain("StartEvent_1", "Activity_send", "Event_answer", "Activity_file", "EndEvent_1"),
             top='  <bpmn:message id="Message_answer" name="letter_answered" />\n'),
    one_pool("spiff_signal_catch.bpmn", "spiff", "signal_catch_spiff", "รอสัญญาณงบประมาณ",
             [start(), signal("Event_budget", "Signal_budget", name="งบอนุมัติ"), user("Activity_plan", "วางแผนใช้งบ"),
              end()],
             chain("StartEvent_1", "Event_budget", "Activity_plan", "EndEvent_1"),
             top='  <bpmn:signal id="Signal_budget" name="budget_approved" />\n'),
    one_pool("bpmnio_message_start.bpmn", "bpmnio", "message_start_bpmnio", "รับเรื่องร้องเรียน",
             [message("StartEvent_1", "Message_complaint", tag="startEvent"), task("Activity_handle", "พิจารณาเรื่อง"),
              end()],
             chain("StartEvent_1", "Activity_handle", "EndEvent_1"),
             top='  <bpmn:message id="Message_complaint" name="complaint_received" />\n'),
    one_pool("spiff_signal_start.bpmn", "spiff", "signal_start_spiff", "เปิดภาคเรียน",
             [signal("StartEvent_1", "Signal_term", tag="startEvent"), task("Activity_prepare", "เตรียมเปิดภาคเรียน",
                                                                           tag="manualTask"), end()],
             chain("StartEvent_1", "Activity_prepare", "EndEvent_1"),
             top='  <bpmn:signal id="Signal_term" name="term_opened" />\n'),
    Model("camunda_collaboration.bpmn", "camunda", [
        Pool("collab_office_camunda", "สำนักงาน", {LC: CLERK},
             [start(), task("Activity_prepare", "เตรียมคำขอ"), message("Event_ask", "Message_ask", tag="intermediateThrowEvent"),
              message("Event_answer", "Message_answer"), task("Activity_file", "เก็บคำตอบ"), end()],
             chain("StartEvent_1", "Activity_prepare", "Event_ask", "Event_answer", "Activity_file", "EndEvent_1")),
        Pool("collab_school_camunda", "ศึกษานิเทศก์", {LS: SUPERVISOR},
             [message("StartEvent_s", "Message_ask", LS, tag="startEvent"), task("Activity_answer", "ตอบคำขอ", LS),
              message("EndEvent_s", "Message_answer", LS, tag="endEvent")],
             chain("StartEvent_s", "Activity_answer", "EndEvent_s"))],
        top='  <bpmn:message id="Message_ask" name="request_sent" />\n  <bpmn:message id="Message_answer" name="answer_sent" />\n',
        message_flows=[("MessageFlow_ask", "Event_ask", "StartEvent_s"), ("MessageFlow_answer", "EndEvent_s", "Event_answer")]),
    Model("bpmnio_send_receive.bpmn", "bpmnio", [
        Pool("send_receive_office_bpmnio", "สำนักงาน", {LC: CLERK},
             [start(), Node("Activity_send", "sendTask", "ส่งคำขอ", LC, attrs=' messageRef="Message_req"'),
              Node("Activity_receive", "receiveTask", "รับผล", LC, attrs=' messageRef="Message_done"'),
              task("Activity_close", "ปิดเรื่อง"), end()],
             chain("StartEvent_1", "Activity_send", "Activity_receive", "Activity_close", "EndEvent_1")),
        Pool("send_receive_head_bpmnio", "ผู้อำนวยการกลุ่ม", {LH: HEAD},
             [message("StartEvent_h", "Message_req", LH, tag="startEvent"), task("Activity_decide", "พิจารณา", LH),
              Node("Activity_notify", "sendTask", "แจ้งผล", LH, attrs=' messageRef="Message_done"'), end("EndEvent_h", LH)],
             chain("StartEvent_h", "Activity_decide", "Activity_notify", "EndEvent_h"))],
        top='  <bpmn:message id="Message_req" name="review_requested" />\n  <bpmn:message id="Message_done" name="review_done" />\n',
        message_flows=[("MessageFlow_req", "Activity_send", "StartEvent_h"), ("MessageFlow_done", "Activity_notify", "Activity_receive")]),
    Model("spiff_correlation.bpmn", "spiff", [
        Pool("ask_school_spiff", "ถามโรงเรียน", {LC: CLERK},
             [start(), user("Activity_letter", "ออกเลขหนังสือ", fields=(("letter_no", "text", "เลขหนังสือ"),)),
              message("Event_ask", "Message_ask", tag="intermediateThrowEvent", payload='{"letter_no": letter_no}'),
              message("Event_answer", "Message_answer", variable="reply"), user("Activity_read", "อ่านคำตอบ"), end()],
             chain("StartEvent_1", "Activity_letter", "Event_ask", "Event_answer", "Activity_read", "EndEvent_1")),
        Pool("answer_school_spiff", "ตอบสำนักงาน", {LS: SUPERVISOR},
             [message("StartEvent_s", "Message_ask", LS, tag="startEvent", variable="question"),
              user("Activity_answer", "ตอบ", LS, fields=(("answer", "text", "คำตอบ"),)),
              message("EndEvent_s", "Message_answer", LS, tag="endEvent",
                      payload='{"letter_no": question["letter_no"], "answer": answer}')],
             chain("StartEvent_s", "Activity_answer", "EndEvent_s"))],
        top=('  <bpmn:message id="Message_ask" name="ask_school" />\n'
             '  <bpmn:message id="Message_answer" name="school_answer" />\n'
             '  <bpmn:correlationProperty id="letter_no" name="letter_no">\n'
             '    <bpmn:correlationPropertyRetrievalExpression messageRef="Message_ask"><bpmn:formalExpression>letter_no'
             "</bpmn:formalExpression></bpmn:correlationPropertyRetrievalExpression>\n"
             '    <bpmn:correlationPropertyRetrievalExpression messageRef="Message_answer"><bpmn:formalExpression>letter_no'
             "</bpmn:formalExpression></bpmn:correlationPropertyRetrievalExpression>\n  </bpmn:correlationProperty>\n"),
        message_flows=[("MessageFlow_ask", "Event_ask", "StartEvent_s"), ("MessageFlow_answer", "EndEvent_s", "Event_answer")]),
    one_pool("spiff_service_mail.bpmn", "spiff", "service_mail_spiff", "แจ้งผู้รับผิดชอบทางอีเมล",
             [start(), service("Activity_mail", "ส่งอีเมลแจ้ง", "send_mail",
                               {"to": '"owner"', "subject": '"แจ้งรอบปี {cycle_year}"',
                                "body": '"เรื่องของรอบปี {cycle_year} เริ่มแล้ว"'}, "mail_result"),
              task("Activity_check", "ตรวจว่าได้รับอีเมล"), end()],
             chain("StartEvent_1", "Activity_mail", "Activity_check", "EndEvent_1")),
    one_pool("spiff_service_register.bpmn", "spiff", "service_register_spiff", "ลงทะเบียนรับอัตโนมัติ",
             [start(), service("Activity_register", "ลงทะเบียนหนังสือรับ", "register_letter",
                               {"kind": '"incoming"', "letter_subject": '"ขอความอนุเคราะห์ข้อมูล"',
                                "letter_sender": '"โรงเรียนบ้านตัวอย่าง"', "letter_urgency": '"normal"',
                                "letter_secrecy": '"normal"'}, "register"),
              task("Activity_route", "เสนอหนังสือ"), end()],
             chain("StartEvent_1", "Activity_register", "Activity_route", "EndEvent_1")),
    one_pool("camunda_business_rule.bpmn", "camunda", "business_rule_camunda", "ตัดเกรดตามตาราง",
             [start(), script("Activity_score", "คิดคะแนน", "score = 85", camunda=True),
              Node("Activity_grade", "businessRuleTask", "ตัดเกรด", LC,
                   attrs=' camunda:resultVariable="grade_result" camunda:decisionRef="grade_decision"'),
              Node("Gateway_grade", "exclusiveGateway", "เกรด A?", LC, attrs=' default="Flow_other"'),
              task("Activity_award", "มอบเกียรติบัตร"), task("Activity_other", "แจ้งผล"), end(), end("EndEvent_2")],
             chain("StartEvent_1", "Activity_score", "Activity_grade", "Gateway_grade")
             + [("Flow_a", "Gateway_grade", "Activity_award", 'grade == "A"'),
                ("Flow_other", "Gateway_grade", "Activity_other", None)]
             + chain("Activity_award", "EndEvent_1") + chain("Activity_other", "EndEvent_2")),
    one_pool("spiff_business_rule.bpmn", "spiff", "business_rule_spiff", "เลือกผู้พิจารณาตามวงเงิน",
             [start(), script("Activity_amount", "ตั้งวงเงิน", "amount = 150000"),
              Node("Activity_route", "businessRuleTask", "เลือกผู้พิจารณา", LC,
                   head="<bpmn:extensionElements><spiffworkflow:calledDecisionId>approver_decision"
                        "</spiffworkflow:calledDecisionId></bpmn:extensionElements>"),
              Node("Gateway_who", "exclusiveGateway", "", LC),
              task("Activity_head", "ผู้อำนวยการกลุ่มอนุมัติ", LH), task("Activity_clerk", "ธุรการอนุมัติ"),
              end("EndEvent_1", LH), end("EndEvent_2")],
             chain("StartEvent_1", "Activity_amount", "Activity_route", "Gateway_who")
             + [("Flow_head", "Gateway_who", "Activity_head", 'approver == "head"'),
                ("Flow_clerk", "Gateway_who", "Activity_clerk", 'approver == "clerk"')]
             + chain("Activity_head", "EndEvent_1") + chain("Activity_clerk", "EndEvent_2"),
             lanes={LC: CLERK, LH: HEAD}),
    one_pool("spiff_call_activity.bpmn", "spiff", "call_script_only_spiff", "เรียกกระบวนงานที่ไม่มีคน",
             [start(), Node("Activity_call", "callActivity", "คำนวณในอีกไฟล์", LC, attrs=' calledElement="called_script_only_spiff"'),
              task("Activity_after", "ตรวจผลคำนวณ"), end()],
             chain("StartEvent_1", "Activity_call", "Activity_after", "EndEvent_1")),
    one_pool("spiff_called_script_only.bpmn", "spiff", "called_script_only_spiff", "คำนวณ (ไม่มีคน)",
             [start(), script("Activity_compute", "คำนวณ", "total = 40 + 2"), end()],
             chain("StartEvent_1", "Activity_compute", "EndEvent_1")),
    one_pool("bpmnio_call_with_task.bpmn", "bpmnio", "call_with_task_bpmnio", "เรียกกระบวนงานที่มีงานคน",
             [start(), Node("Activity_call", "callActivity", "ให้ผู้อำนวยการพิจารณา", LC, attrs=' calledElement="called_with_task_bpmnio"'),
              end()],
             chain("StartEvent_1", "Activity_call", "EndEvent_1")),
    one_pool("bpmnio_called_with_task.bpmn", "bpmnio", "called_with_task_bpmnio", "ผู้อำนวยการพิจารณา",
             [start(lane=LH), task("Activity_decide", "พิจารณา", LH), end(lane=LH)],
             chain("StartEvent_1", "Activity_decide", "EndEvent_1"), lanes={LH: HEAD}),
    one_pool("spiff_multi_instance.bpmn", "spiff", "multi_instance_spiff", "ทุกโรงเรียนรายงาน",
             [start(), script("Activity_list", "รายชื่อ", 'schools = ["A", "B", "C"]'),
              Node("Activity_each", "userTask", "บันทึกผลรายโรงเรียน", LC,
                   head=user("x", "x", fields=(("note", "text", "ผล"),)).head,
                   inner="<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>schools</bpmn:loopDataInputRef>"
                         "<bpmn:loopDataOutputRef>results</bpmn:loopDataOutputRef>"
                         '<bpmn:inputDataItem id="school" name="school" /><bpmn:outputDataItem id="result" name="result" />'
                         "</bpmn:multiInstanceLoopCharacteristics>"),
              task("Activity_sum", "สรุปผล"), end()],
             chain("StartEvent_1", "Activity_list", "Activity_each", "Activity_sum", "EndEvent_1")),
    one_pool("camunda_subprocess.bpmn", "camunda", "subprocess_camunda", "งานย่อยในกระบวนงาน",
             [start(), Node("Activity_sub", "subProcess", "จัดประชุม", LC,
                            inner='<bpmn:startEvent id="Sub_start"><bpmn:outgoing>Flow_s1</bpmn:outgoing></bpmn:startEvent>'
                                  '<bpmn:task id="Sub_book" name="จองห้อง"><bpmn:incoming>Flow_s1</bpmn:incoming>'
                                  '<bpmn:outgoing>Flow_s2</bpmn:outgoing></bpmn:task>'
                                  '<bpmn:endEvent id="Sub_end"><bpmn:incoming>Flow_s2</bpmn:incoming></bpmn:endEvent>'
                                  '<bpmn:sequenceFlow id="Flow_s1" sourceRef="Sub_start" targetRef="Sub_book" />'
                                  '<bpmn:sequenceFlow id="Flow_s2" sourceRef="Sub_book" targetRef="Sub_end" />'),
              task("Activity_minutes", "ทำรายงานการประชุม"), end()],
             chain("StartEvent_1", "Activity_sub", "Activity_minutes", "EndEvent_1")),
    one_pool("camunda_conditional_wait.bpmn", "camunda", "conditional_wait_camunda", "รอเงื่อนไข (ไม่มีใครส่ง)",
             [start(), script("Activity_flag", "ตั้งค่า", "ready = False", camunda=True),
              Node("Event_cond", "intermediateCatchEvent", "รอจนครบ", LC,
                            '<bpmn:conditionalEventDefinition id="CondDef_1"><bpmn:condition xsi:type="bpmn:tFormalExpression">'
                            "ready == True</bpmn:condition></bpmn:conditionalEventDefinition>"),
              task("Activity_go", "ดำเนินการ"), end()],
             chain("StartEvent_1", "Activity_flag", "Event_cond", "Activity_go", "EndEvent_1")),
]
