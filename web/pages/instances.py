"""An instance's page: the BPMN diagram with finished, current and late steps, its timeline, data,
evidence and, for a per-school phase, the schools' progress."""
from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from engine.reporting import timeline
from engine.runtime import instances
from web.services import db_session, now, services

bp = Blueprint("instances", __name__)


def _instance(instance_id: int):
    return instances.get_instance(db_session(), current_user.user, instance_id)


@bp.get("/instances/<int:instance_id>")
@login_required
def instance_page(instance_id: int):
    """Where an instance stands: diagram, timeline, data, evidence, children."""
    session, engine, at = db_session(), services().engine, now()
    instance = _instance(instance_id)
    lines = timeline.timeline(engine, session, instance, at)
    kids = timeline.children(session, instance)
    return render_template(
        "instance.html", instance=instance, entry=engine.entry(instance.process_id), lines=lines,
        markers=timeline.markers(engine, instance, lines), children=kids, now=at,
        progress=instances.progress(engine, session, instance),
        late_children=timeline.late_children(session, instance, at) if kids else 0,
        evidence=timeline.evidence(session, instance), history=timeline.events(session, instance.id, 100))


@bp.get("/instances/<int:instance_id>/diagram.bpmn")
@login_required
def diagram(instance_id: int):
    """The BPMN file of the instance's pinned version, with its layout, for the viewer."""
    xml = _instance(instance_id).process_version.bpmn_xml
    return Response(xml, mimetype="application/xml", headers={"X-Content-Type-Options": "nosniff",
                                                              "Cache-Control": "private, max-age=3600"})
