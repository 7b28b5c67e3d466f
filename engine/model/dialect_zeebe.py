"""What Camunda Modeler for Camunda 8 (Zeebe) writes on a user task, read into khumue's own step markup.

- `zeebe:assignmentDefinition` (candidateGroups, candidateUsers, assignee) is kept as Camunda 7's attributes
  are (engine.model.dialects.assign_of, engine.model.roles.step_role); Camunda 8 writes expressions as FEEL
  (`=name`, `="clerk"`, `=["clerk", "supervisor"]`), read when they are a variable or string literals.
- `zeebe:properties` join the step's properties, as `camunda:properties` do.
- The form: `zeebe:formDefinition formKey="camunda-forms:bpmn:ID"` names a `zeebe:userTaskForm id="ID"` in
  the process's extensionElements (its text: Camunda Forms JSON); `formId="ID"` names a `.form` file uploaded
  beside the BPMN (Camunda Forms JSON whose top-level "id" is ID). Its components become khumue's form JSON.
What cannot be imported is returned as (code, detail) pairs, which the check names (engine.model.check.steps).
"""
import json
import re

ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
EMBEDDED_PREFIX = "camunda-forms:bpmn:"
FORM_SUFFIX = ".form"
ASSIGN_ATTRS = ("candidateGroups", "candidateUsers", "assignee")
# Camunda Forms components with a khumue field type; the others with input are refused by name.
COMPONENT_TYPES = {"textfield": "text", "textarea": "textarea", "number": "number", "checkbox": "boolean",
                   "select": "choice", "radio": "choice", "checklist": "multichoice", "taglist": "multichoice"}
# Components that only show something (or submit the form): nothing to fill in, left out (so are fields
# locked for good, which only show a variable).
STATIC_TYPES = {"text", "html", "image", "spacer", "separator", "button"}
# Components that only hold others: their header is left out, their fields read in order.
CONTAINER_TYPES = {"group"}
# Where a component's choices would come from at run time instead of its static `values`.
DYNAMIC_VALUES = ("valuesKey", "valuesExpression")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r'"([^"\\]*)"')

Refused = list[tuple[str, str]]


def _zeebe(tag: str) -> str:
    return f"{{{ZEEBE_NS}}}{tag}"


def _extension(node, tag: str):
    """The task's own `zeebe:TAG` extension element, or None."""
    return node.find(f"./{{*}}extensionElements/{_zeebe(tag)}")


def zeebe_properties(node) -> dict[str, str]:
    """The task's `zeebe:properties` as {name: value}."""
    return {str(p.get("name")): p.get("value") or "" for p in
            node.iterfind(f"./{{*}}extensionElements/{_zeebe('properties')}/{_zeebe('property')}")
            if p.get("name")}


def _feel_value(attr: str, text: str) -> str | None:
    """The Camunda 7 shape of a FEEL assignment: a variable → `${name}`, string literals → a comma list;
    None when it is any other expression."""
    body = text[1:].strip()
    if _IDENTIFIER.fullmatch(body) and attr != "candidateGroups":
        return "${" + body + "}"
    if body.startswith("[") and body.endswith("]"):
        items = [item.strip() for item in body[1:-1].split(",") if item.strip()]
        literals = [_STRING.fullmatch(item) for item in items]
        return ",".join(m.group(1) for m in literals if m) if items and all(literals) else None
    literal = _STRING.fullmatch(body)
    return literal.group(1) if literal else None


def zeebe_assignment(node) -> tuple[dict[str, str], Refused]:
    """The task's `zeebe:assignmentDefinition` as Camunda 7's attributes, and the expressions refused."""
    found: dict[str, str] = {}
    refused: Refused = []
    definition = _extension(node, "assignmentDefinition")
    if definition is None:
        return found, refused
    for attr in ASSIGN_ATTRS:
        text = (definition.get(attr) or "").strip()
        if not text:
            continue
        value = _feel_value(attr, text) if text.startswith("=") else text
        if value:
            found[attr] = value
        else:
            refused.append(("zeebe_expression", f"{attr}: {text}"))
    return found, refused


def _choices(component: dict) -> tuple[list[dict], Refused]:
    key = component.get("key") or component.get("id")
    dynamic = [name for name in DYNAMIC_VALUES if component.get(name)]
    if dynamic:
        return [], [("zeebe_dynamic", f"{key}: {dynamic[0]}")]
    values = component.get("values") or []
    if any(str(v.get("value", "")).startswith("=") or str(v.get("label", "")).startswith("=") for v in values):
        return [], [("zeebe_dynamic", f"{key}: values")]
    return [{"value": str(v["value"]), "label": str(v.get("label") or v["value"])} for v in values], []


def _field_type(component: dict) -> str | None:
    kind = component.get("type")
    if kind == "datetime":
        subtype = component.get("subtype")
        only_date = subtype is None and component.get("dateLabel") and not component.get("timeLabel")
        return "date" if subtype == "date" or only_date else None
    return COMPONENT_TYPES.get(str(kind))


def _field(component: dict) -> tuple[dict | None, Refused]:
    """khumue's field of one Camunda Forms component with input, or what keeps it out."""
    key = component.get("key") or component.get("id") or "-"
    kind = _field_type(component)
    if kind is None:
        detail = component.get("type") if component.get("type") != "datetime" else \
            f"datetime {component.get('subtype') or 'datetime'}"
        return None, [("zeebe_component", f"{key}: {detail}")]
    if not component.get("key"):
        return None, [("zeebe_component", f"{key}: {kind} without a key")]
    label = component.get("label") or component.get("dateLabel") or key
    out = {"name": key, "type": kind, "label": str(label),
           "required": bool((component.get("validate") or {}).get("required"))}
    if component.get("description"):
        out["help"] = str(component["description"])
    refused: Refused = []
    if kind in ("choice", "multichoice"):
        out["choices"], refused = _choices(component)
    return (None if refused else out), refused


def _display_only(component: dict) -> bool:
    """A component that only shows something: static, or a field locked for good (`disabled`, `readonly`:
    Camunda shows a process variable there, nobody fills it in)."""
    return component.get("type") in STATIC_TYPES or component.get("disabled") is True or \
        component.get("readonly") is True


def _conditional(component: dict) -> str | None:
    """What makes the component hidden or locked at run time (a FEEL expression), khumue showing it always."""
    key = component.get("key") or component.get("id") or "-"
    if (component.get("conditional") or {}).get("hide"):
        return f"{key}: conditional.hide {component['conditional']['hide']}"
    for name in ("readonly", "disabled"):
        if isinstance(component.get(name), str) and component[name].startswith("="):
            return f"{key}: {name} {component[name]}"
    return None


def _components(components: list) -> tuple[list[dict], Refused]:
    fields: list[dict] = []
    refused: Refused = []
    for component in components:
        if not isinstance(component, dict):
            continue
        condition = _conditional(component)
        if condition:
            refused.append(("zeebe_condition", condition))
            continue
        if _display_only(component):
            continue
        if component.get("type") in CONTAINER_TYPES:
            inner, inner_refused = _components(component.get("components") or [])
            fields.extend(inner)
            refused.extend(inner_refused)
            continue
        field, why = _field(component)
        refused.extend(why)
        if field is not None:
            fields.append(field)
    return fields, refused


def camunda_forms_form(document: dict) -> tuple[str | None, Refused]:
    """khumue's form JSON of a Camunda Forms document (None when nothing could be read), and what was refused."""
    components = document.get("components")
    if not isinstance(components, list):
        return None, [("zeebe_form_bad", f"{document.get('id') or '-'}: no components")]
    fields, refused = _components(components)
    if refused:
        return None, refused
    return json.dumps({"fields": fields}, ensure_ascii=False), []


def _load(text: str, where: str) -> tuple[dict | None, Refused]:
    try:
        document = json.loads(text)
    except ValueError as err:
        return None, [("zeebe_form_bad", f"{where}: {err}")]
    if not isinstance(document, dict):
        return None, [("zeebe_form_bad", f"{where}: not a JSON object")]
    return document, []


def _embedded(node, form_id: str) -> tuple[dict | None, Refused]:
    """The Camunda Forms JSON of the `zeebe:userTaskForm` of this id (in the process's extensionElements)."""
    found = next((f for f in node.getroottree().iter(_zeebe("userTaskForm")) if f.get("id") == form_id), None)
    if found is None:
        return None, [("zeebe_form_missing", f"zeebe:userTaskForm {form_id}")]
    return _load(found.text or "", f"zeebe:userTaskForm {form_id}")


def form_file_problem(text: str) -> str | None:
    """Why a `.form` file is no Camunda Forms document a task could link (None: it is one)."""
    try:
        document = json.loads(text)
    except ValueError as err:
        return str(err)
    if not isinstance(document, dict):
        return "not a JSON object"
    if not isinstance(document.get("id"), str) or not document["id"]:
        return 'no "id"'
    return None


def form_file_ids(form_files: dict[str, str]) -> dict[str, list[str]]:
    """{form id: the `.form` files that carry it} of the files uploaded beside a BPMN (unreadable ones: none)."""
    ids: dict[str, list[str]] = {}
    for name, text in sorted(form_files.items()):
        if not name.lower().endswith(FORM_SUFFIX):
            continue
        try:
            document = json.loads(text)
        except ValueError:
            continue
        if isinstance(document, dict) and isinstance(document.get("id"), str):
            ids.setdefault(document["id"], []).append(name)
    return ids


def _linked(form_id: str, form_files: dict[str, str]) -> tuple[dict | None, Refused]:
    """The Camunda Forms JSON of the one `.form` file whose id is `form_id`."""
    names = form_file_ids(form_files).get(form_id, [])
    if not names:
        return None, [("zeebe_form_file_missing", form_id)]
    if len(names) > 1:
        return None, [("zeebe_form_file_twice", f"{form_id}: {', '.join(names)}")]
    return _load(form_files[names[0]], names[0])


def zeebe_form(node, form_files: dict[str, str]) -> tuple[str | None, Refused]:
    """The form a Camunda 8 user task's `zeebe:formDefinition` gives (None without one), and what was refused."""
    definition = _extension(node, "formDefinition")
    if definition is None:
        return None, []
    form_key, form_id = definition.get("formKey"), definition.get("formId")
    if form_id:
        document, refused = _linked(form_id, form_files)
    elif form_key and form_key.startswith(EMBEDDED_PREFIX):
        document, refused = _embedded(node, form_key[len(EMBEDDED_PREFIX):])
    else:  # a custom form key, or a form found at run time (externalReference): khumue cannot show it
        return None, [("zeebe_form_key", form_key or definition.get("externalReference") or "-")]
    if document is None:
        return None, refused
    return camunda_forms_form(document)


def linked_form_ids(bpmn_root) -> set[str]:
    """The ids of the `.form` files a BPMN document's user tasks link (`zeebe:formDefinition formId`)."""
    return {str(node.get("formId")) for node in bpmn_root.iter(_zeebe("formDefinition")) if node.get("formId")}
