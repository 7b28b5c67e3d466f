"""What Camunda Modeler 7 and 8 and SpiffArena write on a user task, read into khumue's own step markup.

A user task's parser (`KhumueUserTaskParser`) leaves SpiffWorkflow's extensions as they are and adds:
- Camunda 7: `camunda:formField`s (read by SpiffWorkflow's own Camunda parser, with their enum values and
  `required` constraint) become the step's form; `camunda:properties` join the step's properties (khumue's
  own `spiffworkflow:property` wins); `candidateGroups`, `candidateUsers` and `assignee` are kept under
  `extensions["camunda"]` for the role and assignment (engine.model.bpmn.read_step).
- Camunda 8 (Zeebe): `zeebe:assignmentDefinition` is kept under `extensions["camunda"]` as Camunda 7's
  attributes are, `zeebe:properties` join the step's properties, and the Camunda Forms form (embedded
  `zeebe:userTaskForm` or a linked `.form` file uploaded beside the BPMN) becomes the step's form
  (engine.model.dialect_zeebe).
- SpiffArena: `formJsonSchemaFilename` (and `formUiSchemaFilename`) name JSON files uploaded beside the
  BPMN file; the JSON-Schema form becomes the step's form.
What cannot be imported is listed in `extensions["import_refused"]` as (code, detail) pairs, which the check
names (engine.model.check.steps) and read_step refuses. The form is written as khumue's form JSON, so every
later reader (check, read_step, the API) sees one kind of form.
"""
import json

from lxml import etree
from SpiffWorkflow.camunda.parser.task_spec import UserTaskParser as CamundaUserTaskParser
from SpiffWorkflow.spiff.parser.task_spec import UserTaskParser

from engine.model.dialect_zeebe import linked_form_ids, zeebe_assignment, zeebe_form, zeebe_properties

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
SCHEMA_FILE, UI_FILE = "formJsonSchemaFilename", "formUiSchemaFilename"
# Camunda 7's form field types; a custom type is refused by name.
CAMUNDA_TYPES = {"string": "text", "long": "number", "boolean": "boolean", "date": "date", "enum": "choice"}
CAMUNDA_ASSIGN_ATTRS = ("candidateGroups", "candidateUsers", "assignee")
# Camunda's usual expressions for the person who started the instance.
STARTER_EXPRESSIONS = {"${initiator}", "${starter}", "${owner}", "#{initiator}"}


def camunda_field(field) -> dict:
    """One `camunda:formField` (SpiffWorkflow's FormField) as a field of khumue's form JSON."""
    out = {"name": field.id, "type": CAMUNDA_TYPES[field.type], "label": field.label or field.id,
           "required": any(v.name == "required" for v in field.validation)}
    if field.type == "enum":
        out["choices"] = [{"value": o.id, "label": o.name or o.id} for o in field.options]
    return out


def camunda_form(form) -> tuple[str | None, list[tuple[str, str]]]:
    """khumue's form JSON of Camunda's generated form (None when it has no fields), and what was refused."""
    refused = [("camunda_type", f"{f.id}: {f.type}") for f in form.fields if f.type not in CAMUNDA_TYPES]
    fields = [camunda_field(f) for f in form.fields if f.type in CAMUNDA_TYPES]
    return (json.dumps({"fields": fields}, ensure_ascii=False) if fields else None), refused


def _schema_type(name: str, spec: dict, ui: dict) -> str:
    kind = spec.get("type")
    if kind == "array":
        return "multichoice"
    if "enum" in spec or "oneOf" in spec or "anyOf" in spec:
        return "choice"
    if kind in ("number", "integer"):
        return "number"
    if kind == "boolean":
        return "boolean"
    if kind == "string" and spec.get("format") == "date":
        return "date"
    if kind == "string":
        return "textarea" if ui.get("ui:widget") == "textarea" else "text"
    raise ValueError(f"{name}: type {kind!r}")


def _schema_choices(spec: dict) -> list[dict]:
    source = spec.get("items", spec) if spec.get("type") == "array" else spec
    if "enum" in source:
        return [{"value": str(v), "label": str(v)} for v in source["enum"]]
    options = source.get("oneOf") or source.get("anyOf") or []
    return [{"value": str(o["const"]), "label": str(o.get("title", o["const"]))} for o in options]


def json_schema_form(schema: dict, ui: dict | None = None) -> str:
    """khumue's form JSON of a JSON-Schema form (SpiffArena's react-jsonschema-form) and its uiSchema:
    string/number/integer/boolean, enum or oneOf choices, date format, the required list; title → label,
    the uiSchema's `ui:help` (else the description) → help, `ui:order` → the fields' order.
    ValueError names what has no khumue field type."""
    ui = ui or {}
    properties = schema.get("properties") or {}
    order = [n for n in ui.get("ui:order", []) if n in properties]
    names = order + [n for n in properties if n not in order]
    required = set(schema.get("required") or [])
    fields = []
    for name in names:
        spec, field_ui = properties[name], ui.get(name) or {}
        out = {"name": name, "type": _schema_type(name, spec, field_ui), "label": spec.get("title") or name,
               "required": name in required}
        help_text = field_ui.get("ui:help") or spec.get("description")
        if help_text:
            out["help"] = help_text
        if out["type"] in ("choice", "multichoice"):
            out["choices"] = _schema_choices(spec)
        fields.append(out)
    return json.dumps({"fields": fields}, ensure_ascii=False)


def _load_json(files: dict[str, str], name: str) -> dict:
    if name not in files:
        raise KeyError(name)
    value = json.loads(files[name])
    if not isinstance(value, dict):
        raise ValueError(f"{name}: not a JSON object")
    return value


def spiff_json_form(props: dict, files: dict[str, str]) -> tuple[str | None, list[tuple[str, str]]]:
    """The form a SpiffArena task's JSON-Schema file gives (None without one), and what was refused."""
    schema_name = props.get(SCHEMA_FILE)
    if not schema_name:
        return None, []
    try:
        schema = _load_json(files, schema_name)
        ui = _load_json(files, props[UI_FILE]) if props.get(UI_FILE) else None
    except KeyError as err:
        return None, [("json_missing", str(err.args[0]))]
    except ValueError as err:
        return None, [("json_bad", f"{schema_name}: {err}")]
    try:
        return json_schema_form(schema, ui), []
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        return None, [("json_type", str(err))]


def _root(bpmn_xml: bytes):
    return etree.fromstring(bpmn_xml, etree.XMLParser(resolve_entities=False, no_network=True))


def zeebe_form_ids(bpmn_xml: bytes) -> set[str]:
    """The ids of the Camunda Forms `.form` files a BPMN document's tasks link (Camunda 8's formId)."""
    return linked_form_ids(_root(bpmn_xml))


def form_file_refs(bpmn_xml: bytes) -> set[str]:
    """The JSON form files a BPMN document's tasks name (SpiffArena's schema and uiSchema files)."""
    root = _root(bpmn_xml)
    return {str(node.get("value")) for node in root.iter(f"{{{SPIFF_NS}}}property")
            if node.get("name") in (SCHEMA_FILE, UI_FILE) and node.get("value")}


class KhumueUserTaskParser(UserTaskParser):
    """SpiffWorkflow's user task parser that also reads what Camunda Modeler 7 and 8 and SpiffArena write."""

    nsmap: dict[str, str]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nsmap = {**self.nsmap, "camunda": CAMUNDA_NS}  # for SpiffWorkflow's Camunda form reader

    get_form = CamundaUserTaskParser.get_form
    get_enum_field = CamundaUserTaskParser.get_enum_field

    def parse_extensions(self, node=None):
        extensions = super().parse_extensions(node)
        if node is not None and node is not self.node:
            return extensions
        refused: list[tuple[str, str]] = []
        camunda_props = {p.get("name"): p.get("value") for p in
                         self.xpath("./bpmn:extensionElements/camunda:properties/camunda:property")}
        props = extensions["properties"] = {**zeebe_properties(self.node), **camunda_props,
                                            **extensions.get("properties", {})}
        zeebe_assign, refused_assign = zeebe_assignment(self.node)
        refused.extend(refused_assign)
        extensions["camunda"] = {**zeebe_assign, **{a: v for a in CAMUNDA_ASSIGN_ATTRS
                                                    if (v := self.attribute(a, "camunda"))}}
        if self.attribute("formKey", "camunda"):
            refused.append(("form_key", self.attribute("formKey", "camunda")))
        if not extensions.get("form"):
            form, refused_form = self._imported_form(props)
            refused.extend(refused_form)
            if form is not None:
                extensions["form"] = form
        if refused:
            extensions["import_refused"] = refused
        return extensions

    def _imported_form(self, props: dict) -> tuple[str | None, list[tuple[str, str]]]:
        """The form another modeler drew, read in turn: Camunda 7's formFields, Camunda 8's Camunda Forms,
        SpiffArena's JSON-Schema file."""
        form, refused = camunda_form(self.get_form())
        files = getattr(self.process_parser.parser, "form_files", {})
        if form is None:
            form, refused_zeebe = zeebe_form(self.node, files)
            refused.extend(refused_zeebe)
        if form is None:
            form, refused_json = spiff_json_form(props, files)
            refused.extend(refused_json)
        return form, refused


def assign_of(camunda: dict) -> str | None:
    """The khumue assignment rule of Camunda's `assignee` (else the first of `candidateUsers`), if any:
    the starter's expression → owner, `${field}` → var:field, a username → user:NAME."""
    who = (camunda.get("assignee") or camunda.get("candidateUsers") or "").split(",")[0].strip()
    if not who:
        return None
    if who in STARTER_EXPRESSIONS:
        return "owner"
    if who[:2] in ("${", "#{") and who.endswith("}"):
        return f"var:{who[2:-1].strip()}"
    return f"user:{who}"
