"""DMN decision tables for business-rule tasks: which a BPMN file calls, which a DMN file defines.

A business-rule task names its decision as SpiffArena writes it (`spiffworkflow:calledDecisionId`) or as
Camunda Modeler does (`camunda:decisionRef`). The DMN files deployed with a process are added to its parser
(SpiffWorkflow's BpmnDmnParser.add_dmn_str), so SpiffWorkflow's DMN engine evaluates them.
"""
from lxml import etree
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser, SpiffTaskParser

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class DecisionTaskParser(BusinessRuleTaskParser):
    """A business-rule task whose decision is named the Spiff way or the Camunda way."""

    @staticmethod
    def get_decision_ref(node):
        extensions = SpiffTaskParser._parse_extensions(node)
        return extensions.get("calledDecisionId") or node.get(f"{{{CAMUNDA_NS}}}decisionRef")


def decision_refs(bpmn_xml: bytes) -> set[str]:
    """The decision ids a BPMN document's business-rule tasks call."""
    root = etree.fromstring(bpmn_xml, SAFE_PARSER)
    return {ref for node in root.iter(f"{{{BPMN_NS}}}businessRuleTask")
            if (ref := DecisionTaskParser.get_decision_ref(node))}


def decision_ids(dmn_xml: bytes) -> set[str]:
    """The decision ids a DMN document defines (any DMN version's namespace)."""
    root = etree.fromstring(dmn_xml, SAFE_PARSER)
    return {str(node.get("id")) for node in root.iter() if isinstance(node.tag, str)
            and etree.QName(node).localname == "decision" and node.get("id")}


def add_decisions(parser, decisions: dict[str, str]) -> None:
    """Give the parser the DMN documents deployed with the process."""
    for filename, xml in sorted(decisions.items()):
        parser.add_dmn_str(xml.encode("utf-8"), filename=filename)
