"""The namespaces the modellers write (BPMN, bpmn.io DI, Camunda 7/8, SpiffArena) and helpers to read them."""
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
DMN_NAMESPACES = ("https://www.omg.org/spec/DMN/20191111/MODEL/", "http://www.omg.org/spec/DMN/20180521/MODEL/",
                  "http://www.omg.org/spec/DMN/20151101/dmn.xsd", "https://www.omg.org/spec/DMN/20230324/MODEL/")


def local(node) -> str:
    """An element's tag without its namespace."""
    tag = node.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def bpmn(tag: str) -> str:
    """A BPMN tag with its namespace, for `iter` and `find`."""
    return f"{{{BPMN}}}{tag}"


def flow_nodes(process) -> list:
    """The process's own flow elements (not lanes, documentation or extensions)."""
    skip = {"laneSet", "documentation", "extensionElements", "property", "ioSpecification", "dataObject",
            "dataStoreReference", "dataObjectReference", "textAnnotation", "association"}
    return [child for child in process if isinstance(child.tag, str) and local(child) not in skip]
