"""The schools, each in a network."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields, validate

from engine.org import admin as org_admin
from web.api.common import CODE, Strict, body, query, shared
from web.api.openapi import documented
from web.auth import me
from web.services import commit, db_session, now

bp = Blueprint("api_schools", __name__, url_prefix="/api/v1")


class SchoolQuery(Strict):
    network = fields.String()


class SchoolIn(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    network = fields.String(required=True, validate=validate.Length(1, 32))


class SchoolEditIn(Strict):
    name = fields.String(validate=validate.Length(1, 200))
    network = fields.String(validate=validate.Length(1, 32))


class SchoolOut(Schema):
    code = fields.String()
    name = fields.String()
    network = fields.Function(lambda school: school.network.code)
    network_name = fields.Function(lambda school: school.network.name)


@bp.get("/schools")
@documented("Schools", query=SchoolQuery, response=SchoolOut, many=True)
def list_schools():
    """Schools, optionally of one network."""
    me()
    q = query(SchoolQuery)
    return jsonify(shared(SchoolOut).dump(org_admin.list_schools(db_session(), q.get("network")), many=True))


@bp.post("/schools")
@documented("Add a school (admin)", body=SchoolIn, response=SchoolOut, status=201)
def add_school():
    """Add a school (admin)."""
    values = body(SchoolIn)
    school = org_admin.save_school(db_session(), me(), values.pop("code"), values, now(), create=True)
    commit()
    return shared(SchoolOut).dump(school), 201


@bp.patch("/schools/<code>")
@documented("Rename a school or move it (admin)", body=SchoolEditIn, response=SchoolOut)
def edit_school(code: str):
    """Rename a school or move it to another network (admin)."""
    school = org_admin.save_school(db_session(), me(), code, body(SchoolEditIn), now(), create=False)
    commit()
    return shared(SchoolOut).dump(school)
