"""A new task's mail waits for office hours. A task claimed or assigned in the meantime is no longer anyone's to take,
so its "task your role can take" mail is not sent (it said "unclaimed" and sent every other holder of the role to
a task they may not open any more); a task given to someone else meanwhile is not announced to the first one."""
import io
from collections import Counter
from datetime import datetime

from sqlalchemy import select

from db.models import OutboxMail
from engine.notify.transport import SmtpTransport

POOL_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn"
    exporter="Camunda Modeler" exporterVersion="5.17.0">
  <bpmn:process id="Process_pool" name="คำขอลา" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Activity_approve" name="อนุมัติ" camunda:candidateGroups="supervisor">
      <bpmn:extensionElements>
        <camunda:formData><camunda:formField id="approved" label="Approved?" type="boolean" /></camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End_1"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_approve" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_approve" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>
"""
NEW, OFFERED = "งานใหม่ถึงท่าน / New task for you", "มีงานรอผู้รับ / A task your role can take"
SUPERVISORS = [f"supervisor{n}" for n in range(1, 9)]
# A person's several mails of one sending are one message listing the tasks under these headings (issue 16).
HEADINGS = {"งานใหม่ถึงท่าน / New tasks for you": NEW, "งานรอผู้รับ / Tasks your role can take": OFFERED}


def told(message) -> list[tuple[str, str, str]]:
    """(person, what they were told, task id) of each task a message tells of: a mail alone, or each line of a
    person's gathered mail under its heading (other headings, e.g. reminders: no reason)."""
    person = message["To"].split("@")[0]
    body = message.get_body(("plain",)).get_content()
    if ": " in message["Subject"]:  # a mail alone: "[khumue] <what> / <what>: <step>"
        what = message["Subject"].split(":")[0].removeprefix("[khumue] ")
        return [(person, what, body.split("/tasks/")[-1].split()[0])]
    lines, what = [], ""
    for line in body.splitlines():
        if line and not line.startswith((" ", "•")):
            what = HEADINGS.get(line.rsplit(" (", 1)[0], "")
        elif "/tasks/" in line:
            lines.append((person, what, line.split("/tasks/")[-1].split()[0]))
    return lines


def _start(api) -> int:
    """A new instance's one task, in the supervisors' pool."""
    instance = api.ok("POST", "admin1", "/instances", 201, json={"process_id": "Process_pool"})
    [task] = instance["open_tasks"]
    assert task["assignee"] is None and task["role"] == "supervisor"
    return task["id"]


def test_a_new_task_mail_says_only_what_is_still_so_when_it_leaves(api, services, clock, smtp):
    services.transport = SmtpTransport(smtp.url)
    api.ok("POST", "admin1", "/processes", 201, content_type="multipart/form-data",
           data={"files": [(io.BytesIO(POOL_PROCESS.encode()), "pool.bpmn")]})
    clock.set("2027-04-01T18:30:00+07:00")  # after office hours: the mails wait for the morning
    claimed, assigned, released, left = _start(api), _start(api), _start(api), _start(api)
    api.ok("POST", "supervisor1", f"/tasks/{claimed}/claim")
    api.ok("POST", "head1", f"/tasks/{assigned}/assign", json={"user": "supervisor2"})
    api.ok("POST", "head1", f"/tasks/{assigned}/assign", json={"user": "supervisor3"})  # given to another after all
    api.ok("POST", "supervisor4", f"/tasks/{released}/claim")
    api.ok("POST", "supervisor4", f"/tasks/{released}/release")  # back in the pool: offered again
    services.tick(datetime.fromisoformat("2027-04-02T08:30:00+07:00"))
    ours = {str(task_id) for task_id in (claimed, assigned, released, left)}  # not the tasks of cycles the tick starts
    sent = Counter(line for m in smtp.messages for line in told(m)
                   if line[1] in (NEW, OFFERED) and line[2] in ours)  # nor reminders
    offered = {(user, OFFERED, str(task)): 1 for user in SUPERVISORS for task in (released, left)}
    assert sent == {**offered, ("supervisor3", NEW, str(assigned)): 1}
    with services.db.session() as s:
        status = Counter(tuple(row) for row in s.execute(select(OutboxMail.kind, OutboxMail.status)
                                                         .where(OutboxMail.task_id.in_([claimed, assigned]))))
    assert status == {("claimable", "dropped"): 2 * len(SUPERVISORS), ("assigned", "dropped"): 1,
                      ("assigned", "sent"): 1}
