"""What a question asks for: fact, explain, list, compare or yes/no, and the things it names.

Read from the question's form alone (its opening words and connectives), so the same rules hold
for any library: nothing here is fitted to a question set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .text import STOPWORDS, name_like
from .types import Kind

# "Can you explain ...", "Please list ...": the request inside the courtesy decides the kind.
_POLITE = re.compile(
    r"^\s*(?:please[,\s]+(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?|(?:can|could|would|will)\s+you\s+(?:please\s+)?|"
    r"i\s+(?:want|would like|need)\s+(?:you\s+)?to\s+|i'?d\s+like\s+(?:you\s+)?to\s+|help\s+me\s+|"
    # 'So what's the big idea ...?', 'Could I get a summary of ...', 'Can I have an overview of ...'
    r"so\s*,?\s+(?=what|how|why)|(?:can|could|may)\s+i\s+(?:please\s+)?(?:get|have|see)\s+(?=(?:an?\s+|the\s+)?(?:\w+\s+)?(?:summary|overview|explanation|rundown|gist)\b))",
    re.I,
)
# 'a quick overview', 'a high-level summary'
_GIST = r"(?:(?:quick|short|brief|rough|general|broad|high[\s-]level)\s+)?"
# what someone did to papers to have them in a library ("What has Tony saved about X?")
_SAVED = r"(?:save|saved|collected|gathered|got|stored|kept|read)"
_PAPERS = r"(?:papers?|abstracts?|articles?|studies|works|publications|documents|entries|reports|references|stuff|material)"
# 'Which of them ...', 'Are any of these ...': a question among the papers the last answer gave
_AMONG = r"^\s*(?:which|(?:are|is|do|does)\s+any)\s+of\s+(?:them|these|those)\b"
# a body of papers named without a plural ("Do I have any work on X?", "any research about X")
_BODY = rf"(?:{_PAPERS}|work|research|literature)"
_LIST = re.compile(
    rf"^\s*(?:which|what)\s+(?:(?:one\s+)?(?:of\s+)?(?:my|the|our|[\w.-]+'s?)\s+)?(?:\w+\s+)?{_PAPERS}\b"
    rf"|^\s*(?:list|show|find|give|name|enumerate)\b(?:\s+[\w'’.-]+){{0,4}}\s+{_PAPERS}\b"
    # 'Summarise Tony's papers on safety.': a line on each paper about the topic
    rf"|^\s*(?:summari[sz]e|describe|(?:give|show)\s+(?:me\s+)?(?:an?\s+)?{_GIST}(?:overview|summary)\s+of)\s+(?:all\s+)?"
    r"(?:my|our|the|[\w.-]+['’]s)\s+(?:papers|abstracts|articles|studies|works|publications)\s+"
    r"(?:(?:in|from)\s+(?:my|our|the|[\w.-]+['’]s)\s+(?:library|collection)\s+)?(?:on|about|regarding|concerning|dealing\s+with)\b"
    r"|^\s*(?:list|show|find|give)\s+(?:me\s+)?(?:everything|anything|all)\s+(?:on|about|in|from|regarding)\b"
    rf"|\b(?:is|are)\s+there\s+(?:anything|something|any\s+(?:\w+\s+)?{_PAPERS})\b"
    rf"|^\s*(?:anything|something|any\s+{_PAPERS}|{_PAPERS})\s+(?:(?:in|from)\s+(?:my|the|our|[\w.-]+['’]s?)\s+(?:library|collection)\s+)?"
    r"(?:on|about|regarding|concerning|dealing\s+with)\b"
    rf"|^\s*what\s+(?:has|have|did|does)\s+(?:i|we|[A-Z][\w.-]*)\s+{_SAVED}\s+(?:on|about)\b"
    r"|^\s*(?:what|which)\s+(?:\w+\s+)?(?:in|from)\s+(?:my|the|our|[\w.-]+['’]s?)\s+(?:library|collection)\b"
    r"|^\s*which\s+ones\b"
    # 'Which of them are about safety?', 'Are any of these on speech?': among the papers of the last answer
    rf"|{_AMONG}\s+(?:(?:(?:are|is)\s+)?(?:about|on|related\s+to|concerned\s+with)"
    r"|(?:deal|talk|discuss|cover|mention|address|concern|involve|focus|stud(?:y|ie)|look|use|report)\w*"
    # 'Which of them introduces a benchmark?', 'Which of them is a system card?'
    r"|(?:introduc|propos|present|releas|describ)\w*|(?:are|is)\s+(?:a|an)\b)\b"
    rf"|\b(?:do|does)\s+(?:i|we|[A-Z][\w.-]*)\s+have\s+(?:anything|something|any(?:\s+\w+)?\s+{_BODY}|{_BODY})\b"
    rf"|^\s*what\s+(?:do|does)\s+(?:i|we|[A-Z][\w.-]*)\s+have\s+(?:on|about)\b"
    rf"|\bany\s+{_BODY}\s+(?:on|about|that|which|in|mentioning|covering|discussing|using|involving|with)\b"
    # 'Got anything on X?', 'Is there a paper that ...', 'What's in Alex's library from OpenAI?', 'I'm looking for papers ...'
    rf"|^\s*(?:(?:have|has)\s+(?:i|we|[A-Z][\w.-]*)\s+)?got\s+(?:anything|something|any\s+{_BODY})\b"
    rf"|^\s*(?:anything|something|any\s+{_BODY})\s+\w+ing\b"
    rf"|\b(?:is|are)\s+there\s+(?:a|an|any)\s+(?:\w+\s+)?{_PAPERS}\b"
    rf"|\b(?:do|does)\s+(?:i|we|[A-Z][\w.-]*)\s+have\s+(?:a|an)\s+(?:\w+\s+)?{_PAPERS}\b"
    r"|^\s*what(?:['’]s|\s+is)\s+(?:there\s+)?in\s+(?:my|the|our|[\w.-]+['’]s?)\s+(?:library|collection)\b"
    rf"|\blooking\s+for\s+(?:any\s+|some\s+)?(?:{_BODY}|anything|something)\b"
    rf"|^\s*(?:in|from|among)\s+(?:my|the|[\w.-]+'s?)\s+(?:library|collection|{_PAPERS})\b[^?]*\b(?:which|what)\s+(?:\w+\s+)?{_PAPERS}\b"
    # 'Find me work on X', 'Pull up the papers on X', 'Does my library have papers on X?', 'What's there on X?',
    # 'Have I saved anything about X?'
    r"|^\s*(?:list|show|find)\s+(?:me\s+)?(?:any\s+|some\s+|the\s+|all\s+)?(?:work|research|literature)\s+(?:on|about|regarding|into)\b"
    rf"|^\s*(?:pull|bring|dig)\s+up\b(?:\s+[\w'’.-]+){{0,3}}\s+{_PAPERS}\b"
    rf"|\b(?:do|does)\s+(?:my|our|the|[\w.-]+['’]s?)\s+(?:library|collection)\s+(?:have|hold|contain|include)\s+"
    rf"(?:anything|something|any(?:\s+\w+)?\s+{_BODY}|{_BODY}|\w+\s+{_PAPERS})\b"
    r"|^\s*what(?:['’]s|\s+is)\s+there\s+(?:on|about|regarding)\b"
    rf"|^\s*(?:have|has|did)\s+(?:i|we|[A-Z][\w.-]*)\s+{_SAVED}\s+(?:anything|something|any(?:\s+\w+)?\s+{_BODY}|{_BODY})\b"
    # 'Are any of my papers about X?', 'Does anything in Tony's library deal with X?', 'Who in my library writes about X?'
    rf"|^\s*(?:are|is|do|does|did|have|has|were|was)\s+any\s+(?:of\s+)?(?:(?:my|our|the|these|those|[\w.-]+['’]s?)\s+)?(?:[\w-]+\s+)?{_PAPERS}\b"
    r"|^\s*(?:does|is|did|was)\s+(?:anything|something)\s+(?:in|from)\s+(?:my|our|the|[\w.-]+['’]s?)\s+(?:library|collection)\b"
    r"|^\s*(?:who|where)\s+in\s+(?:my|our|the|[\w.-]+['’]s?)\s+(?:library|collection)\b"
    r"|^\s*where\s+(?:does|do)\s+(?:my|our|the|[\w.-]+['’]s?)\s+(?:library|collection)\b"
    # 'Tell me which papers are about X', 'I need everything on X', 'Search my library for X'
    rf"|^\s*(?:tell|show)\s+me\s+(?:which|what)\s+(?:\w+\s+)?{_PAPERS}\b"
    rf"|^\s*i\s+(?:need|want)\s+(?:everything|anything|all\s+(?:the\s+)?{_PAPERS})\s+(?:on|about|regarding)\b"
    rf"|^\s*search\s+(?:my|our|the|[\w.-]+['’]s?)\s+(?:library|collection|{_PAPERS})\s+for\b"
    # 'Any GNN papers?' ('... in Alex's library?'), 'Anything else on X?', 'Any more papers like that?', 'Are there other papers on X?'
    rf"|^\s*any\s+(?:[\w-]+\s+){{1,3}}{_PAPERS}(?:\s+in\s+(?:my|our|the|[\w.-]+['’]s?)\s+(?:library|collection))?\s*\?*\s*$"
    rf"|^\s*(?:anything|something|any\s+{_BODY})\s+(?:else|more)\s+(?:on|about|regarding|like)\b"
    rf"|^\s*any\s+(?:more|other)\s+{_PAPERS}\b"
    rf"|\b(?:is|are)\s+there\s+(?:any\s+)?(?:other|more)\s+(?:\w+\s+)?{_PAPERS}\b"
    # 'What else do I have on X?', 'What research do I have on X?', 'How many papers do I have on X?'
    rf"|^\s*what\s+(?:else|{_BODY})\s+(?:do|does)\s+(?:i|we|[A-Z][\w.-]*)\s+have\b"
    rf"|^\s*how\s+many\s+{_PAPERS}\s+(?:do|does)\s+(?:i|we|[A-Z][\w.-]*)\s+have\s+(?:on|about|regarding)\b"
    # 'How many of Tony's papers are about X?', 'How many abstracts mention X?'
    rf"|^\s*how\s+many\s+(?:of\s+(?:my|our|the|[\w.-]+['’]s?)\s+)?{_PAPERS}\s+(?:(?:are|were|is|was)\s+(?:about|on)|"
    r"(?:are|were|is|was\s+)?(?:in|from)\s+(?:my|our|the|[\w.-]+['’]s?)\s+(?:library|collection)|"
    r"discuss\w*|cover\w*|mention\w*|deal\w*|talk\w*)\b"
    # 'Is X covered anywhere in my library?'
    r"|\b(?:covered|discussed|mentioned|addressed|studied|treated)\s+(?:anywhere\s+)?in\s+(?:my|our|the|[\w.-]+['’]s?)\s+"
    r"(?:library|collection|papers|abstracts|articles)\b",
    re.I,
)
# comparative adjectives and adverbs ('bigger than', 'more ... than')
_COMPARATIVE = (
    r"(?:more|less|fewer|bigger|larger|smaller|better|worse|faster|slower|stronger|weaker|higher|lower|longer|shorter|"
    r"newer|older|cheaper|greater|earlier|later|wider|broader|narrower|deeper|simpler|harder|easier|safer|riskier)"
)
_COMPARE_CUE = re.compile(
    r"\b(?:compare[sd]?|comparison|comparing|contrast(?:s|ed)?|juxtapose[sd]?|versus|vs\.?|differ(?:s|ed|ence|ences)?|distinguish(?:es)?|"
    # 'How do A and B relate?'
    r"relate[sd]?\s*[?.!]*\s*$|"
    r"agree(?:s)?\s+with|relate[sd]?\s+to|similarit(?:y|ies)|similar|alike|different(?:ly)?|in\s+common|"
    r"which\s+(?:one\s+)?(?:is|was|are)\s+(?:better|worse|larger|smaller|bigger|faster|slower|stronger|more\s+\w+|less\s+\w+)|"
    # 'Is A bigger than B?', 'the same size as', 'How is A unlike B?', 'Put A next to B', 'How do A and B stack up?',
    # 'Where do they part ways?', 'What separates A from B?', 'What can A do that B can't?', 'A and B each / both'
    rf"{_COMPARATIVE}\s+(?:[\w'’-]+\s+){{0,3}}?than|the\s+same|unlike|next\s+to|(?:stack|measure|line)s?\s+up|"
    r"part\s+ways|separates?|sets?\s+(?:[\w'’-]+\s+){1,4}?apart|that\s+.+?\s+(?:can['’]?t|cannot|doesn['’]?t|does\s+not|don['’]?t)|"
    r"each|both|v\.|side\s+by\s+side|weigh|pit|diff|disagree(?:s|d)?|comparable|how\s+close|which\s+of\s+the\s+two)(?!\w)"
    r"|\bor\s+[^?]+?\s*[,:—–-]\s*which\b"
    # 'Between A and B, which ...?', 'Which one uses more X, A or B?', 'Which came out ahead, A or B?'
    r"|^\s*(?:between|of)\s+.+?\s+and\s+.+?,\s*(?:which|who)\b"
    r"|^\s*what(?:['’]s|\s+is|\s+are)\s+the\s+relationship\s+between\b"
    rf"|^\s*(?:which|who)\b[^,:?]*\b(?:{_COMPARATIVE}|\w+est|most|least|best|ahead|wins?|won|beats?|beat)\b[^,:?]*[,:]\s*.+?\s+or\s+"
    # 'Does A or B cover more languages?', 'Which of A and B is multilingual?'
    rf"|^\s*(?:does|do|did|is|are|was|were|can|has|have)\s+[^?]+?\s+or\s+[^?]+?\s+(?:\w+\s+){{0,3}}?(?:{_COMPARATIVE}|\w+est|most|least|best)\b"
    r"|^\s*which\s+of\s+(?!the\b|my\b|our\b|these\b|those\b|them\b|\w+['’]s\b)[^,?]+?\s+and\s+[^,?]+?\s+(?:is|are|was|were|has|have|does|do|did)\b",
    re.I,
)
# Patterns that name the two things compared, tried in order; the first that matches wins.
_SUBJECTS = [
    re.compile(
        r"^\s*(?:compare|contrast)\s+(?P<a>.+?)\s+(?:and|with|to|against|vs\.?|versus)\s+(?P<b>.+?)\s*(?:[:;,?.!]|$)", re.I
    ),
    re.compile(r"(?P<a>[^?:;,]+?)\s+(?:vs\.?|v\.|versus)\s+(?P<b>[^?:;,]+)", re.I),
    re.compile(r"\bdifferences?\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I),
    # 'Between A and B, which ...?', 'Put A and B side by side', 'Weigh A against B', 'Pit A against B'
    re.compile(r"^\s*(?:between|of)\s+(?P<a>.+?)\s+and\s+(?P<b>[^,?]+?)\s*,", re.I),
    # 'Which of the two, A or B, ...?', 'Which of A and B is ...?', 'Does A or B cover more ...?'
    re.compile(r"\bwhich\s+of\s+the\s+two,?\s+(?P<a>[^,?]+?)\s+or\s+(?P<b>[^,?]+?)\s*,", re.I),
    re.compile(r"^\s*which\s+of\s+(?P<a>[^,?]+?)\s+and\s+(?P<b>[^,?]+?)\s+(?:is|are|was|were|has|have|does|do|did)\b", re.I),
    re.compile(
        rf"^\s*(?:does|do|did|is|are|was|were|can|has|have)\s+(?P<a>[^?]+?)\s+or\s+(?P<b>[^?]+?)\s+(?:\w+\s+){{0,3}}?(?:{_COMPARATIVE}|\w+est|most|least|best)\b",
        re.I,
    ),
    # 'How close is A to B?', 'What's the relationship between A and B?', 'How much bigger is A than B?',
    # 'What does A do better than B?'
    re.compile(
        r"^\s*how\s+close\s+(?:is|are|was|were|does|do|did)\s+(?P<a>.+?)\s+(?:come\s+|get\s+)?to\s+(?P<b>.+?)\s*(?:[:;?.!]|$)",
        re.I,
    ),
    re.compile(
        r"^\s*what(?:['’]s|\s+is|\s+are)\s+the\s+relationship\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I
    ),
    re.compile(rf"^\s*how\s+much\s+{_COMPARATIVE}\s+(?:is|are|was|were)\s+(?P<a>.+?)\s+than\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I),
    re.compile(
        rf"^\s*what\s+(?:does|do|did|can)\s+(?P<a>.+?)\s+(?:do|handle|get)\s+{_COMPARATIVE}\s+than\s+(?P<b>.+?)\s*(?:[:;?.!]|$)",
        re.I,
    ),
    re.compile(r"^\s*(?:put\s+)?(?P<a>[^?:;,]+?)\s+and\s+(?P<b>[^?:;,]+?)\s+side\s+by\s+side\b", re.I),
    re.compile(r"^\s*(?:weigh|pit)\s+(?P<a>.+?)\s+(?:against|with|and)\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I),
    # 'Do A and B differ in X?', 'Do A and B handle languages differently?'
    re.compile(r"^\s*(?:do|does|did)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+(?:differ|compare|contrast|disagree)\b", re.I),
    re.compile(
        r"^\s*(?:do|does|did|are|were|is|was)\s+(?P<a>[^,;:?.]+?)\s+and\s+(?P<b>[^,;:?.]+?)\s+(?:[\w-]+\s+){1,3}differently\b",
        re.I,
    ),
    re.compile(r"\bdistinguish(?:es)?\s+(?P<a>.+?)\s+from\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I),
    re.compile(
        r"\b(?:how|in what ways?)\s+(?:does|do|did|is|are)\s+(?P<a>.+?)\s+(?:compare|differ|different|relate|contrast)\s+"
        r"(?:with|to|from|against)\s+(?P<b>.+?)\s*(?:[:;?.!]|$)",
        re.I,
    ),
    re.compile(
        r"\b(?:how|in what ways?)\s+(?:(?:do|did)\s+)?(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+(?:compare|differ|contrast|relate)\b", re.I
    ),
    re.compile(r"\b(?P<a>[^,;?]+?)\s+agrees?\s+with\s+(?P<b>.+?)\s+(?:about|on|that|in)\b", re.I),
    # "How do A and B approach safety differently?"
    re.compile(r"\b(?:how|in what ways?)\s+(?:do|did)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+(?:[\w-]+\s+){1,2}differently\b", re.I),
    # "How is chain-of-thought used differently in A and in B?"
    re.compile(r"\bdifferently\s+(?:in|by|for)\s+(?P<a>.+?)\s+and\s+(?:in\s+|by\s+|for\s+)?(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I),
    # "How does chain-of-thought figure in A compared with B?": the aspect first, then the two things
    re.compile(
        r"\b(?:in|for|of|about)\s+(?P<a>[^,;?]+?),?\s+(?:compared|as\s+compared)\s+(?:with|to)\s+(?P<b>[^?]+?)\s*(?:[:;?.!]|$)",
        re.I,
    ),
    # "What do A and B have in common?", "Are A and B similar?"
    re.compile(r"^\s*(?:what|how\s+much)\s+(?:do|does|did)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+(?:have|share)\b", re.I),
    re.compile(
        r"^\s*(?:are|is|were|was)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+(?:(?:similar|alike|different|related)\s*\??\s*$|comparable\b)",
        re.I,
    ),
    # "A or B: which is better?", "Which is larger, A or B?"
    re.compile(r"^\s*(?P<a>[^:?]+?)\s+or\s+(?P<b>[^:?,—–]+?)\s*[:,—–-]\s*which\b", re.I),
    re.compile(r"\b(?:which|who)\b[^,?]*,\s*(?P<a>[^?]+?)\s+or\s+(?P<b>[^?]+?)\s*\?*\s*$", re.I),
    # 'Who makes the bigger claim: A or B?': a choice between two, on a comparative
    re.compile(
        rf"^\s*(?:who|which|what)\b[^:?]*\b(?:{_COMPARATIVE}|\w+est|most|least|best)\b[^:?]*:\s*(?P<a>[^?]+?)\s+or\s+(?P<b>[^?]+?)\s*\?*\s*$",
        re.I,
    ),
    # 'Is A bigger than B?', 'Would you say A is more about data than B is?'
    _THAN := re.compile(
        rf"^\s*(?:would\s+you\s+say\s+|do\s+you\s+think\s+)?(?:(?:is|are|was|were)\s+)?(?!(?:does|do|did)\b)(?P<a>.+?)\s+(?:(?:is|are|was|were)\s+)?"
        rf"{_COMPARATIVE}\b(?:\s+[\w'’-]+){{0,3}}?\s+than\s+(?!\d|\w+\s+\d)(?P<b>.+?)(?:\s+(?:is|are|was|were|does|do|did))?\s*(?:[:;?.!]|$)",
        re.I,
    ),
    # 'Is A the same size as B?'
    _SAME := re.compile(
        r"^\s*(?:is|are|was|were)\s+(?P<a>.+?)\s+the\s+same\s+(?:[\w-]+\s+){0,2}?as\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I
    ),
    # 'How is A unlike B?', 'Put A next to B', 'What separates A from B?', 'What sets A apart from B?'
    re.compile(r"\b(?:is|are|was|were)\s+(?P<a>.+?)\s+unlike\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I),
    re.compile(r"^\s*(?:put\s+)?(?P<a>[^?:;,]+?)\s+next\s+to\s+(?P<b>[^?:;,]+)", re.I),
    re.compile(r"\b(?:separates?|sets?)\s+(?P<a>.+?)\s+(?:apart\s+)?from\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I),
    # 'What can A do that B can't?'
    re.compile(
        r"\bwhat\s+(?:can|does|did|do)\s+(?P<a>.+?)\s+\w+\s+that\s+(?P<b>.+?)\s+(?:can['’]?t|cannot|doesn['’]?t|does\s+not|don['’]?t|didn['’]?t)\b",
        re.I,
    ),
    # 'How do A and B stack up?', 'How differently do A and B ...?', 'Do A and B use the same ...?', 'A and B each / both ...'
    re.compile(r"\b(?:how|where)\s+(?:do|did|does)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+(?:stack|measure|line)\s+up\b", re.I),
    re.compile(r"\bhow\s+differently\s+(?:do|does|did|are|were|is)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+[\w-]+", re.I),
    re.compile(
        r"^\s*(?:do|does|did|are|were|is|was|have|has)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+(?:[\w-]+\s+)?the\s+same\b", re.I
    ),
    re.compile(
        r"(?:\b(?:how|what|why|where|when|which)\s+(?:[\w-]+\s+)?(?:do|does|did|are|were|is|was|have|has|can)\s+|^|[.:;]\s+)"
        r"(?P<a>[^,;:?.]+?)\s+and\s+(?P<b>[^,;:?.]+?)\s+(?:both|each)\b",
        re.I,
    ),
    re.compile(
        r"^\s*(?:do|does|did|are|were|is|was|have|has)\s+(?P<a>[^,;:?.]+?)\s+and\s+(?P<b>[^,;:?.]+?)\s+(?:both|each)\b", re.I
    ),
    re.compile(r"\b(?:compare[sd]?|comparing|juxtapose)\s+(?P<a>.+?)\s+(?:and|with|to)\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I),
    # 'a comparison of A and B', 'How similar are A and B?', 'How do A and B relate?'
    re.compile(r"\bcomparison\s+(?:of|between)\s+(?P<a>.+?)\s+(?:and|with|to|vs\.?|versus)\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I),
    re.compile(
        r"^\s*how\s+(?:similar|different|alike|close)\s+(?:are|is|were|was)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s*(?:[:;?.!]|$)", re.I
    ),
    re.compile(
        r"^\s*how\s+(?:do|does|did|are|is|were|was)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+(?:relate|related|connect|connected)\s*[?.!]*\s*$",
        re.I,
    ),
    # 'A and B: how does each ...?', 'Both A and B are ...', 'A stacks up against B'
    re.compile(
        r"^\s*(?P<a>[^:?]+?)\s+and\s+(?P<b>[^:?]+?)\s*(?::\s*[^?]*\b(?:each|both)\b|(?::|\s[-—–])\s*"
        r"(?:(?:how|what|where|in\s+what)\b[^?]*?\b|the\s+)?(?:similarit|differ|diff\b|compar|contrast))",
        re.I,
    ),
    re.compile(
        r"^\s*both\s+(?P<a>[^,;:?.]+?)\s+and\s+(?P<b>[^,;:?.]+?)\s+(?:is|are|was|were|have|has|had|do|does|did|use|used|get|got)\b",
        re.I,
    ),
    _STACK := re.compile(
        r"(?:^(?!\s*how\b)|\bhow\s+(?:does|do|did|is|are)\s+)(?P<a>[^?:;,]+?)\s+(?:stack|measure|line)s?\s+up\s+(?:against|to|with)\s+"
        r"(?P<b>[^?:;,]+?)\s*(?:[:;?.!]|$)",
        re.I,
    ),
    # 'A compared to B on cost?'
    re.compile(
        r"^\s*(?P<a>[^,;:?]+?),?\s+compared\s+(?:with|to)\s+(?P<b>[^?:;,]+?)(?:\s+(?:on|in|for)\b[^?]*)?\s*(?:[:;?.!]|$)", re.I
    ),
]
_AUX = "is are was were be been do does did has have had can could will would should may might must am being shall".split()
_YES_NO_Q = re.compile(rf"^\W*(?:{'|'.join(_AUX)})\b[^?]*\?*\s*$", re.I)
_WH = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how|name|list|describe|explain)\b", re.I)
_CHOICE = re.compile(
    r"\bor\s+(?!not\b|older\b|better\b|worse\b|more\b|less\b|greater\b|higher\b|lower\b|above\b|below\b)[\w\- ]{1,30}\?\s*$", re.I
)
_EXPLAIN = re.compile(
    # 'Walk me through ...', 'Help me understand ...', 'I don't get how ...', 'Remind me what X is', 'In a nutshell, ...',
    # 'What does it mean for a model to ...', 'What does that actually mean?'
    r"^\s*(?:walk\s+me\s+through|help\s+me\s+understand|i\s+(?:don['’]?t|do\s+not|can['’]?t|cannot)\s+(?:get|understand|see|follow)|"
    r"remind\s+me\s+(?:what|how|why)|in\s+a\s+nutshell|eli5|what['’]?s\s+the\s+deal\s+with)\b"
    r"|^\s*what\s+(?:does|do|did)\s+(?:it|that|this)\s+(?:\w+\s+)?mean\b|^\s*what\s+is\s+the\s+meaning\s+of\b"
    r"|^\s*what\s+(?:does|do|did)\s+.+?\s+mean\s+by\b"
    r"|^\s*(?:explain|describe|summari[sz]e|outline|tell\s+me\s+(?:more\s+)?(?:about|what|how|why)|give\s+(?:me\s+)?(?:an?\s+)?(?:overview|summary|explanation)|"
    r"what(?:\s*['’]s|\s+is|\s+are)\s+(?:the\s+)?(?:(?:big|key|core|central)\s+)?(?:idea|point|purpose|goal|main\s+\w+|contribution|approach|"
    r"method|insight|takeaway|gist)\b|"
    # 'Break down how UL2R works', 'Give me the gist of ...', '(Could I get) a summary of the Lingvo paper'
    r"break\s+down|(?:give\s+(?:me\s+)?)?the\s+gist\s+of|(?:an?\s+)?(?:quick\s+|short\s+|brief\s+)?(?:summary|overview|explanation|rundown)\s+of)"
    r"|^\s*why\b|^\s*is\s+there\s+(?:a|an|any)\s+(?:reason|explanation|account)\b"
    # 'what the N-Grammer is', 'what Gemini Nano is for' (asked inside 'Does the library say ...?')
    r"|^\s*what\s+(?!\w+\s+(?:is|are)\b)[^?,;]{1,60}?\s+(?:is|are)(?:\s+for)?\s*[?.!]*\s*$"
    r"|^\s*how\s+(?!many\b|much\b|long\b|large\b|big\b|fast\b|quickly\b|often\b|old\b|far\b|high\b|low\b|small\b)\w+"
    r"|\b(?:how|why)\s+(?:does|do|did|is|are|was|were)\s+(?:it|they|this|that)\b"
    r"|^\s*what\s+(?:can|could)\s+.+?\s+do\s*\??\s*$|\band\s+(?:why|how)\s*\??\s*$"
    r"|^\s*what\s+(?:does|do|did)\s+.+?\s+(?:do|propose|introduce|present|show|find|contribute|offer|add|mean|address|solve|study|"
    r"assess|evaluate|examine|investigate|cover|measure|say|argue|claim|conclude|report|discuss|describe|suggest|demonstrate|"
    r"reveal)\s*\??\s*$"
    r"|^\s*what\s+(?:does|do|did)\s+.+?\s+(?:find|show|conclude|say|report|suggest|reveal|observe|note|argue)\s+(?:about|on|regarding|in|for)\b"
    r"|^\s*what\s+(?:sets|makes|distinguishes|happens|happened|motivated|motivates|drove|drives|led|leads|causes|caused)\b"
    # "what problems ...", "what trade-off does X improve on": the answer is an account, not a fact
    r"|^\s*what\s+(?:[\w-]+\s+){0,3}?(?:problems?|challenges?|issues?|difficult(?:y|ies)|trade-?offs?|motivations?|reasons?|"
    r"advantages?|benefits?|limitations?|drawbacks?|downsides?|weaknesses|strengths|insights?|lessons?|ideas?|innovations?|"
    r"contributions?|findings?|implications?|mechanisms?|role)\b",
    re.I,
)
# "What is UniMax?" explains; "What is the accuracy of X?" asks for a fact.
_WHAT_IS = re.compile(r"^\s*what(?:'s|\s+is|\s+are|\s+was|\s+were)\s+(?P<x>[^?]{1,80}?)\s*\??\s*$", re.I)
_FACT_NOUN = re.compile(
    r"^(?:the\s+)?(?:[\w-]+\s+){0,4}(?:of|for|in|on|by|at|per|between)\s+(?!it\b|them\b)\w"
    r"|^(?:the\s+)?(?:name|number|size|value|rate|score|accuracy|year|date|amount|percentage|proportion|result|capital|"
    r"length|cost|price|speed|time|count)\b"
    # 'the largest Gemini model': which one, a name
    r"|^the\s+(?:largest|biggest|smallest|newest|latest|oldest|first|last|best|worst|most|least|fastest|slowest|strongest|"
    r"weakest|highest|lowest|longest|shortest)\b",
    re.I,
)
_LIBRARY_OF = [
    re.compile(
        r"\b(?:in|from|within|among|of)\s+(?P<who>[A-Z][\w.-]*)['’]s?\s+(?:library|collection|papers|abstracts|articles)\b"
    ),
    re.compile(
        r"\b(?P<who>[A-Z][\w.-]*)['’]s\s+(?:library|collection|papers|abstracts|articles|studies)\b"
        r"|\b(?P<whose>[A-Z][\w.-]*)['’]s\s+(?:newest|latest|oldest|earliest|most\s+recent)\s+(?:paper|abstract|article|study)"  # 'Ann's oldest paper'
    ),
    re.compile(r"\b(?:does|did)\s+(?P<who>[A-Z][\w.-]*)\s+have\b"),
    re.compile(rf"\b(?:has|have|did)\s+(?P<who>[A-Z][\w.-]*)\s+{_SAVED}\b"),
]
# Words that frame a list question rather than name its topic ("which papers in my library discuss ...").
_FRAME_WORDS = (
    r"i\s+(?:need|want)|"  # before 'i' alone
    r"(?<=of\s)(?:them|these|those)|"  # 'Which of them are about safety?': the papers of the last answer
    r"(?<=which\s)one(?=\s+of\s)|"  # 'Which one of my papers is about GNNs?'
    rf"summari[sz]e|describe|{_GIST}(?:overview|summary)(?=\s+of\s)|"  # 'Summarise Tony's papers on safety.'
    # 'Any more papers like that?': the topic is the conversation's
    rf"(?:more|other|further|additional|similar)(?=\s+{_PAPERS})|like\s+(?:that|this|those|these|it|them)(?![\w-])|"
    rf"what['’]s|i['’]m|looking\s+for|which|what|list|show|find|give|name|enumerate|any|all|the|a|an|my|our|me|of|in|from|among|library|collection|{_PAPERS}|"
    r"paper|are|is|was|were|do|does|did|i|we|have|has|anything|something|there|that|who|about|on|regarding|concerning|"
    r"related\s+to|relating\s+to|dealing\s+with|deals?\s+with|involving|involves?|discuss(?:es)?|study|cover(?:s)?|"
    r"address(?:es)?|mention(?:s|ing)?|covering|discussing|claims?|compares?\s+(?:against|with|to)|describes?|reports?|presents?|introduces?|proposes?|uses?|focus(?:es)?(?:\s+on)?|"
    rf"looks?\s+at|works?\s+on|to\s+do\s+with|kinds?|sorts?|everything|ones|research|literature|{_SAVED}|"
    r"(?:pull|bring|dig)\s+up|hold|contain|include|where(?=\s+(?:in|does|do)\b)|talks?(?:\s+about)?|writes?\s+about|if\s+any|anywhere|"
    r"point\s+(?:me\s+)?(?:to|at|towards)|i\s+(?:need|want)|search(?=\s+(?:my|our|the|[\w.-]+['’]s?)\s+(?:library|collection))|tell(?=\s+me\b)|else|"
    rf"how\s+many(?=\s+(?:of\s+\S+\s+)?{_PAPERS})|(?:covered|discussed|mentioned|addressed|studied|treated)(?=(?:\s+anywhere)?\s+in\s+"
    r"(?:my|our|the|[\w.-]+['’]s?)\s+(?:library|collection|papers|abstracts|articles)\b)"
)
_LIST_FRAME = re.compile(
    r"(?<![\w-])(?:i\.\s?e|e\.\s?g)\.?(?![\w-])|"  # 'models that can hear, i.e. take sound as input'
    rf"\b(?:does|do)\s+[A-Z][\w.-]*\s+have\b|\b[A-Z][\w.-]*['’]s\s+(?=library|collection|{_PAPERS})|"
    rf"\b(?:has|have|did)\s+[A-Z][\w.-]*(?=\s+{_SAVED}\b)|"
    rf"(?<![\w-])(?:{_FRAME_WORDS})(?![\w-])|[?,.!:;]",
    re.I,
)
# a paper's own act ('papers that introduce a benchmark'), not a past participle describing something
# else ('system cards for released models', 'the framework their code is built on')
_INTRODUCE = re.compile(r"\b(?:introduc|propos|present|releas|develop|creat|build)(?!\w*ed\b)\w*\b", re.I)


@dataclass(frozen=True, kw_only=True)
class Query:
    """A question read for what it asks: its kind, the topic a list is about, the things a
    comparison names, and a library the question itself names ("in Tony's library")."""

    text: str
    kind: Kind
    topic: str = ""
    introduces: bool = False  # a list of papers that introduce the topic ('papers that propose a benchmark')
    subjects: tuple[str, ...] = ()
    library: str | None = None

    @property
    def twice(self) -> bool:
        """A comparison of one thing twice: two papers on it ('the two GNN papers')."""
        return len(self.subjects) > 1 and len({s.casefold() for s in self.subjects}) == 1


def is_yes_no(question: str) -> bool:
    """A question answered by yes or no: it opens with an auxiliary verb ('Does X improve Y?') or
    asks without a question word, and offers no alternatives ('Is X or Y better?' is not one)."""
    q = re.split(r"[:.]\s", question.strip())[-1]  # 'Double balloon enteroscopy: is it safe?'
    if _CHOICE.search(q) and not re.search(
        r"\bonly\s+(?:as\s+|on\s+|in\s+|by\s+|for\s+|with\s+)?[\w\- ]{1,30}\bor\b(?!\s+also\b)", q, re.I
    ):
        return False  # 'graded only as correct or incorrect?' asks whether those are all, not which
    if _YES_NO_Q.match(q):
        return True
    # an elliptic question without a question word: 'Smoking in the NICU: a risk for infants?'
    return q.rstrip().endswith("?") and not _WH.search(q)


_ATTRIBUTION = re.compile(
    r"^\s*(?:according\s+to|in(?!\s+(?:a\s+nutshell|short|brief)\b)|per)\s+[^,?]{3,80},\s*(?=(?:how|why|what|which|who|when|where)\b)",
    re.I,
)


# A wh-question put as a yes/no one ('Do you know how UniMax works?', 'Does the paper say how many ...?',
# 'Is it known why UL2R helps?'): the question inside decides the kind ('whether' stays a yes/no).
# who might know: 'you', 'the paper', 'the UniMax paper', 'Tony's library', 'the GPT-4o system card'
_TELLER = (
    r"(?:you|anyone|they|it|(?:the|my|our|[\w.-]+['’]s)\s+(?:[\w.-]+\s+){0,3}?"
    r"(?:paper|papers|authors?|abstracts?|study|report|work|library|collection|card))"
)
_EMBEDDED = re.compile(
    rf"^\s*(?:(?:do|does|did)\s+{_TELLER}\s+"
    r"(?:know|say|explain|describe|mention|tell\s+(?:me|us)|report|show|discuss|have\s+(?:an?\s+|any\s+)?idea)|"
    # 'Can the Gemini report tell me what ...', 'Could you say why ...'
    rf"(?:can|could)\s+{_TELLER}\s+(?:tell|show|explain\s+to)\s+(?:me|us)|any\s+idea|i\s+wonder|"
    r"i['’]?m\s+(?:curious|wondering)(?:\s+about)?|is\s+it\s+(?:known|clear|explained|said|described))\s+"
    r"(?=(?:how|why|what|which|who|when|where)\b)",
    re.I,
)


def _strip_polite(question: str) -> str:
    """The request without its courtesy ('Can you explain ...', 'Do you know how ...') or attribution
    ('According to the o1 report, how ...')."""
    q = _EMBEDDED.sub("", _POLITE.sub("", question, count=1), count=1)
    return _ATTRIBUTION.sub("", q, count=1).strip()


# Where a compared thing's name ends and the aspect compared begins ('instruction prompt tuning | as a
# way of aligning a model', 'U-PaLM | were derived from PaLM', 'the HbA1c review | say about ...').
_ASPECT = re.compile(
    r"\s+(?:as\s+(?:a|an|the)\b|as\s+\w+ing\b|in\s+(?:what|how|terms\s+of|their|its)\b|with\s+respect\s+to\b|when\s+it\s+comes\s+to\b|"
    r"(?:say|says|said|conclude|concludes|find|finds|found|show|shows|report|reports)\s+(?:about|on|regarding)\b|"
    r"(?:was|were|is|are)\s+\w+ed\b).*$",
    re.I,
)


# 'just using plain TensorFlow' is TensorFlow: what stands against the other thing, not how it is used
_PLAIN = re.compile(
    r"^\s*(?:(?:just|simply|using|with|the|a|an)\s+)*(?:plain|vanilla|regular|ordinary|bare)\s+|^\s*(?:just|simply)\s+(?:(?:using|with)\s+)?(?:(?:the|a|an)\s+)?",
    re.I,
)


def _clean_subject(text: str) -> str:
    text = _ASPECT.sub("", text.strip())
    text = re.sub(r"^\s*(?:tell|show)\s+(?:me|us)\s+(?=how|what|whether)", "", text, flags=re.I)
    text = re.sub(r"^\s*both\s+", "", text, flags=re.I)
    text = re.sub(r"^\s*(?:how(?:\s+(?:well|much|far|often|closely))?|what|whether)\s+", "", text, flags=re.I)
    text = re.sub(rf"^\s*(?:(?:{'|'.join(_AUX)}|what|how)\s+)?(?:the|a|an)\s+", "", text.strip(), flags=re.I)
    text = _PLAIN.sub("", text)
    text = re.sub(
        r"\s+(?:papers?|abstracts?|documents?|studies|study|models?|approaches|approach|methods?|work)\s*$", "", text, flags=re.I
    )
    return text.strip(" '\"“”‘’")


# 'other frameworks', 'existing methods', 'prior work', 'previous approaches', 'the others': a class of
# things set against a named one, not a second thing with a name of its own
_GENERIC = re.compile(
    r"^(?:the\s+)?(?:others|the\s+rest|(?:other|existing|previous|prior|earlier|traditional|conventional|standard|"
    r"classical|classic|older|typical|current|alternative|competing|similar|related)\s+(?:[a-z][\w-]*\s+){0,2}?"
    r"(?:[a-z][\w-]*s|work|research|software|ones?))$"
)


# "the two Adaptive Channel Mixing papers ... how do they differ": two papers on one thing
_TWO_PAPERS = re.compile(rf"\b(?:the\s+)?(?:two|both)\s+(?P<x>(?:[\w'’/-]+\s+){{1,6}}?){_PAPERS}\b", re.I)


def against_class(a: str, b: str) -> bool:
    """Whether a comparison sets one named thing against a class of things ('How is Lingvo different
    from other frameworks?'): it asks what sets the thing apart, which its own abstract tells, and
    'other frameworks' names nothing to look up."""
    return _has_name(a) and bool(_GENERIC.match(_ASPECT.sub("", b.strip()).strip(" ?.!;:'\"")))


def sets_apart(question: str) -> bool:
    """Whether a question compares one named thing with a class of things (see `against_class`)."""
    return bool(_COMPARE_CUE.search(question)) and any(
        (m := p.search(question)) is not None and against_class(_clean_subject(m["a"]), m["b"]) for p in _SUBJECTS
    )


def compare_subjects(question: str) -> tuple[str, ...]:
    """The two things a comparison names ('Compare Flan-MoE and U-PaLM.' -> ('Flan-MoE', 'U-PaLM')),
    or one thing twice for two papers on it ('the two ACM papers: how do they differ?')."""
    for pattern in _SUBJECTS:
        m = pattern.search(question)
        if m:
            a, b = _clean_subject(m["a"]), _clean_subject(m["b"])
            if re.match(r"(?:does|do|did|can|could|would|will|should)\s", a, re.I):
                # 'How does UniMax treat high-resource versus low-resource languages?': the two are
                # sides of what one thing does, which is explained, not two things compared
                continue
            if _CLAUSE.match(question):
                # 'Compare what Lingvo and the N-Grammer paper make available to other researchers':
                # a clause follows the second thing, which ends with its name
                b = _up_to_name(m["b"].split()) or b
            named = _has_name(a) and _has_name(b)
            if not named and (pattern is _STACK or (pattern in (_THAN, _SAME) and _YES_NO_Q.match(question))):
                # 'Are sugar-free medicines more erosive than sugar-containing ones?': a claim about two
                # kinds of thing to be answered yes or no, and 'how does Med-PaLM measure up against
                # doctors?' asks about one thing; two named things ('Is BLOOM bigger than U-PaLM?',
                # 'How does the N-Grammer stack up against RETRO?') are described side by side
                continue
            if any(re.search(r"[.?!]\s", x) or re.match(r"(?:what|why|how|which|who|when|where)\b", x, re.I) for x in (a, b)):
                # "they compare with 'graph-agnostic NNs'. What is this, and why ...?": a thing
                # compared is no sentence's end and no question of its own
                continue
            if against_class(a, m["b"]):
                continue  # 'How is Lingvo different from other frameworks?': one thing, explained
            if a and b and a.casefold() != b.casefold():
                # 'Compare BLOOM, Gemini and GPT-4o': the first is a list of names, each compared
                firsts = [x.strip() for x in a.split(",") if x.strip()]
                if len(firsts) > 1 and all(_has_name(x) and len(x.split()) <= 3 for x in firsts):
                    return (*firsts, b)
                return a, b
    if m := _TWO_PAPERS.search(question):
        x = _clean_subject(m["x"])
        if " and " in x:  # 'both the o1 and GPT-4o documents'
            a, b = (_clean_subject(t) for t in x.split(" and ", 1))
            if a and b:
                return a, b
        if x:
            return x, x
    return _named_pair(question)


# 'How are SimpleQA and the Flan 2022 collection made available?': a question whose subject is two
# named things (a plural verb before 'A and B') asks about both, side by side
_PAIR = re.compile(
    r"^\s*(?:how|why|where|when|what|in\s+what\s+ways?)\s+(?:do|did|are|were|have|can|could|would|should)\s+"
    r"(?P<a>[^,;:?.]+?)\s+and\s+(?P<rest>[^?]+)",
    re.I,
)
_THING = re.compile(
    r"^(?:papers?|collection|models?|reports?|cards?|system|benchmarks?|agents?|framework|corpus|dataset|method|paper's)$", re.I
)


def _is_name(word: str) -> bool:
    """A name ('GPT-4o', 'Gemini'), or a word with a digit: an exact name or a capitalised word."""
    return name_like(word) or word[:1].isupper()


def _has_name(text: str) -> bool:
    return any(_is_name(w) for w in re.findall(r"[\w.-]+", text))


def _named_pair(question: str) -> tuple[str, ...]:
    """The two named things of 'How do A and B ...?' (each side holds a name: a capitalised word not
    opening the question, or a word with a digit), else ()."""
    m = _PAIR.match(question)
    if not m:
        return ()
    a = _clean_subject(m["a"])
    b = _up_to_name(m["rest"].split())
    if not b or not _has_name(a):
        return ()
    return (a, b) if a and b and a.casefold() != b.casefold() else ()


# 'Compare what / how A and B ...': what follows the second thing is a clause about both
_CLAUSE = re.compile(r"^\s*(?:compare[sd]?|comparing)\s+(?:what|how|whether|why|where|when)\b", re.I)


def _up_to_name(words: list[str]) -> str:
    """The named thing that opens `words` ('the N-Grammer paper make available ...' -> 'N-Grammer
    paper'): up to its last name among the first six words, with a noun for a paper or a thing
    after it; '' when none of them is a name."""
    last = max((i for i, w in enumerate(words[:6]) if _is_name(w.strip("'’\"“”"))), default=-1)
    if last < 0:
        return ""
    while last + 1 < len(words) and last < 7 and _THING.match(words[last + 1]):
        last += 1
    return _clean_subject(" ".join(words[: last + 1]))


# Framing verbs that are also nouns: after a word of the topic they are the topic's ('safety reports')
_FRAME_NOUN = re.compile(
    r"(?:reports?|presents?|uses?|mentions?|covers?|study|studies|works?|focus(?:es)?|literature|research)", re.I
)
_LAST_WORD = re.compile(r"([\w'’-]+)\s*$")


def list_topic(question: str) -> str:
    """What a list question's papers must be about: the question without its framing words (a
    framing word that is also a noun stays when a topic word comes just before it: 'Do I have any
    safety reports or system cards?' is about safety reports)."""

    def frame(m: re.Match[str]) -> str:
        before = _LAST_WORD.search(question, 0, m.start())
        word = before.group(1) if before else ""
        after_topic = bool(word) and word.lower() not in STOPWORDS and not _LIST_FRAME.fullmatch(word)
        return m.group(0) if after_topic and _FRAME_NOUN.fullmatch(m.group(0)) else " "

    topic = _LIST_FRAME.sub(frame, question)
    return re.sub(r"\s+", " ", topic).strip()


def among_last(question: str) -> bool:
    """A question asked among the papers the last answer gave ('Which of them are about safety?')."""
    return re.search(_AMONG, question, re.I) is not None


# what points to the papers of the last answer as the things compared
_THOSE = re.compile(r"\b(?:them|they|these|those|both|the\s+two|these\s+two|those\s+two|the\s+papers|each)\b", re.I)


_PLACE_WORDS = ("first", "second", "third", "fourth", "fifth")
_PLACE = rf"(?:{'|'.join(_PLACE_WORDS)}|last)"
# 'Compare the first two.', 'How do the first and the third differ?', 'the last two papers'
_PLACES = re.compile(
    rf"\bthe\s+(?:(?P<end>first|last)\s+(?P<count>two|three)|(?P<a>{_PLACE})(?:\s+(?:one|paper))?\s+(?:and|vs\.?|versus|with|to)\s+"
    rf"(?:the\s+)?(?P<b>{_PLACE}))\b",
    re.I,
)


def places(question: str) -> tuple[int, ...]:
    """The places, in the last answer, of the papers a question picks by place ('the first two':
    (0, 1); 'the first and the last': (0, -1)); empty when it picks none."""
    m = _PLACES.search(question)
    if m is None:
        return ()
    if m["count"]:
        n = 2 if m["count"].lower() == "two" else 3
        return tuple(range(n)) if m["end"].lower() == "first" else tuple(range(-n, 0))
    at = [-1 if w.lower() == "last" else _PLACE_WORDS.index(w.lower()) for w in (m["a"], m["b"])]
    return tuple(at) if at[0] != at[1] else ()


def compares_places(question: str) -> bool:
    """A comparison of papers of the last answer picked by place ('Compare the first two.')."""
    q = _strip_polite(question)
    return bool(places(q) and _COMPARE_CUE.search(q))


def compares_last(question: str) -> bool:
    """A comparison that names nothing and points back to the papers the last answer gave ('Compare
    them.', 'How do they differ?', 'What do the two have in common?')."""
    q = _strip_polite(question)
    return bool(_COMPARE_CUE.search(q) and _THOSE.search(q)) and not compare_subjects(q)


# 'how do they handle heterophily?', 'What do both of them evaluate on?': a question asked of each paper
_OF_EACH = re.compile(
    r"\b(?:they|them|both(?:\s+of\s+them)?|each(?:\s+of\s+them|\s+one)?|these\s+(?:two|papers)|those\s+(?:two|papers)|the\s+two)\b",
    re.I,
)


def asks_each(question: str) -> bool:
    """An explanation or fact asked of the several papers the last answer gave, by pointing back to them
    ('and how do they handle heterophily?'), naming nothing else."""
    q = _strip_polite(question)
    return (
        kind_of(q) in ("explain", "fact")
        and not re.match(r"^\W*(?:and\s+|so\s+)?(?:which|who)\b", q, re.I)  # 'Which of them has the most ...?' picks one
        and bool(_OF_EACH.search(q))
        and not compare_subjects(q)
        and not _has_name(q[:1].lower() + q[1:])
    )


# 'Find papers similar to UniMax.', 'Anything like the BLOOM paper?': the papers closest to one paper
_SIMILAR = re.compile(
    # not 'papers proposing a new optimizer, like a variant of Adam': an example of the topic
    r"(?<!,)\s(?:similar\s+to|(?:much\s+)?like(?!\s+an?\s)|related\s+to|close\s+to|resembling|in\s+the\s+same\s+vein\s+as)\s+"
    r"(?P<said>(?P<x>(?:the\s+)?[^?.!]+?)(?:\s+(?:paper|abstract|study|article|work|report|one))?)\s*[?.!]*\s*$",
    re.I,
)


# what asks for papers ('Find papers similar to UniMax', 'Anything like BLOOM?', 'What else is like
# Flan-MoE?'), not for a thing in one ('Is there a method like UniMax?')
_OTHERS = re.compile(rf"\b(?:{_PAPERS}|anything|what\s+else)\b", re.I)


def similar_to(question: str) -> tuple[str, str] | None:
    """The paper a list asks for others like, as its name and as the question says it ('Anything
    like the BLOOM paper?' -> ('BLOOM', 'the BLOOM paper')), when it names one; None for a list on a
    topic ('papers related to safety' names no paper)."""
    m = _SIMILAR.search(_strip_polite(question))
    if not m:
        return None
    x = re.sub(r"^the\s+", "", m["x"].strip(), flags=re.I)
    return (x, m["said"].strip()) if _has_name(x) else None


def named_owner(question: str) -> str | None:
    """Whoever a question names as the owner of a library ("Ben's papers", "What does Ben have?"),
    whether or not a library of that name exists."""
    for pattern in _LIBRARY_OF:
        for m in pattern.finditer(question):
            if m["who"].casefold() not in ("i", "we", "my", "our", "the"):
                return str(m["who"])
    return None


def named_library(question: str, libraries: Iterable[str]) -> str | None:
    """A library the question names ("in Tony's library", "Alex's papers"), if it is one of `libraries`."""
    known = {lib.casefold(): lib for lib in libraries}
    for pattern in _LIBRARY_OF:
        for m in pattern.finditer(question):
            if (who := (m["who"] or m.groupdict().get("whose") or "").casefold()) in known:
                return known[who]
    return None


# 'Quick question: what does ...?', 'Several papers say X. What does that mean?': the question proper
_PREAMBLE = re.compile(r"^.*?(?:[.!:;]\s+|\?\s+|\s[—–-]\s+)(?=\S[^.!:;?—–]*\??\s*$)", re.S)


def _asked(question: str) -> str:
    """The last sentence of a question that opens with a remark ('Quick question: ...')."""
    return _PREAMBLE.sub("", question.strip(), count=1)


# 'U-PaLM is better than PaLM only on English tasks, is it?', '..., right?': a statement put to the test
_TAG = re.compile(
    r",\s*(?:(?:is|isn['’]t|are|aren['’]t|was|wasn['’]t|were|weren['’]t|does|doesn['’]t|do|don['’]t|did|didn['’]t|"
    r"can|can['’]t|has|hasn['’]t|have|haven['’]t)\s+(?:it|they|he|she|that|there|we|i)|right|correct|true)\s*\??\s*$",
    re.I,
)


# A library asked about as a whole ('What are Tony's papers about?', 'Summarize my library.', 'How
# many papers does Alex have?', 'What do I have?'): a list of every paper in it
_OWNER = r"(?:my|our|[\w.-]+['’]s|[\w.-]+s['’])"
_WHOLE = re.compile(
    rf"^\s*(?:(?:give|show)\s+(?:me\s+)?(?:an?\s+)?(?:(?:one|two|short|brief)[\s-]+(?:line|sentence)\s+)?{_GIST}(?:overview|summary|summaries)\s+of"
    r"(?:\s+(?:each|all|every\s+one)\s+of)?|summari[sz]e(?:\s+(?:each|all)\s+of)?|describe|tell\s+me\s+about|what\s+(?:are|is))\s+"
    # 'Give me a quick overview of what's in Tony's library.': the library, however it is pointed at
    r"(?:(?:what['’]s|what\s+is|what\s+(?:i|we)\s+have|everything|all\s+(?:that\s+)?(?:i|we)\s+have)\s+in\s+)?"
    rf"(?:{_OWNER}\s+(?:whole\s+|entire\s+)?(?:library|collection|{_PAPERS})|the\s+(?:whole\s+|entire\s+)?(?:library|collection))"
    r"(?:\s+about)?\s*[?.!]*\s*$"
    # 'What does my library contain?'
    rf"|^\s*what\s+(?:do|does)\s+(?:{_OWNER}|the)\s+(?:whole\s+|entire\s+)?(?:library|collection)\s+(?:contain|hold|have(?:\s+in\s+it)?)\s*[?.!]*\s*$"
    rf"|^\s*how\s+many\s+{_PAPERS}\s+(?:(?:do|does)\s+(?:i|we|[A-Z][\w.-]*)\s+have|(?:are|is)\s+(?:there\s+)?in\s+(?:{_OWNER}|the)\s+"
    r"(?:library|collection))\s*[?.!]*\s*$"
    r"|^\s*what\s+(?:do|does)\s+(?:i|we|[A-Z][\w.-]*)\s+have\s*[?.!]*\s*$"
    # 'What topics does my library cover?', 'What is Tony's library about?'
    rf"|^\s*what\s+(?:topics|subjects|areas|fields)\s+(?:do|does)\s+(?:{_OWNER}|the)\s+(?:library|collection|{_PAPERS})\s+cover\s*[?.!]*\s*$"
    rf"|^\s*what\s+is\s+(?:{_OWNER}|the)\s+(?:library|collection)\s+about\s*[?.!]*\s*$"
    # 'What are the main themes of my library?'
    r"|^\s*what\s+(?:are|is)\s+(?:the\s+)?(?:main\s+|key\s+|major\s+)?(?:themes?|topics?|subjects?|areas?)\s+(?:of|in)\s+"
    rf"(?:{_OWNER}|the)\s+(?:library|collection|{_PAPERS})\s*[?.!]*\s*$",
    re.I,
)


# A set of papers asked for by what they do or are about, in any frame ('Can you point me to papers on
# reasoning?', 'I need papers that study scaling laws', 'Are there papers where the authors release
# their code?'): a plural of papers followed by what picks them out is a list, as no fact or yes/no is
# asked of papers no one has named yet. Not 'the papers that ...' (papers already in view).
_PAPERS_PICKED = re.compile(
    r"(?<!\bthe\s)(?<!\bthese\s)(?<!\bthose\s)(?<!\bboth\s)(?<!\btwo\s)"
    r"\b(?:papers|abstracts|articles|studies|works|publications|entries)\s+(?:that|which|where|whose|on|about|regarding|concerning|"
    r"dealing|discussing|covering|studying|using|addressing|related|involving|mentioning|looking)\b"
    # 'Tell me which of Alex's papers discuss X', 'What do I have that deals with X?', 'Does anything in here cover X?'
    rf"|\bwhich\s+(?:one\s+)?of\s+(?:my|our|these|those|the|[\w.-]+['’]s?)\s+{_PAPERS}\b"
    r"|^\s*what\s+(?:do|does)\s+(?:i|we|[A-Z][\w.-]*)\s+have\s+(?:that|which)\b"
    r"|\b(?:anything|something)\s+in\s+(?:here|there)\b"
    r"|^\s*point\s+me\s+(?:to|at|towards)\b",
    re.I,
)


# 'What does ASR stand for?', 'What is RNN-T short for?', 'What does the acronym ACM mean?': the
# words an acronym abbreviates
_STANDS_FOR = re.compile(
    r"^\W*(?:so\s+)?what(?:\s+(?:does|do|did|is|are)|['’]s)\s+(?:the\s+)?(?P<acr>(?:acronym|abbreviation)\s+)?"
    r"[\"'“‘]?(?P<x>[A-Za-z][\w-]*)[\"'”’]?\s+(?:stand\s+for|short\s+for|an?\s+(?:acronym|abbreviation)\s+for|(?P<mean>mean))\b"
    r"|^\W*what(?:\s+is|['’]s)\s+the\s+full\s+(?:name|form)\s+of\s+(?:the\s+)?[\"'“‘]?(?P<y>[A-Za-z][\w-]*)",
    re.I,
)


def _acronym(word: str) -> bool:
    """A word that abbreviates (two capitals or more, letters only: 'ACM', 'RNN-T', 'GNNs'; not 'UL2R')."""
    letters = word.replace("-", "")
    return letters.isalpha() and sum(c.isupper() for c in letters) >= 2


def stands_for(question: str, previous: str = "") -> str | None:
    """The acronym a question asks to spell out ('ASR' for 'What does ASR stand for?'; after a
    question on ACM, 'What does it stand for?' asks it of 'ACM'); None for other questions and for
    acronyms with digits ('UL2R'), whose letters no initials spell."""
    m = _STANDS_FOR.match(question)
    if m is None or (m["mean"] and not m["acr"]):  # 'What does X mean?' asks what X is
        return None
    acronym = (m["x"] or m["y"]).strip("-")
    if previous and acronym.lower() in ("it", "that", "this"):
        return next((w for w in re.findall(r"[A-Za-z][\w-]*[A-Za-z]", previous) if _acronym(w)), None)
    return acronym if _acronym(acronym) else None


def kind_of(question: str) -> Kind:
    """The kind of answer a question asks for, from its form."""
    q = _strip_polite(question)
    if _LIST.search(q) or _WHOLE.search(q) or (similar_to(q) and _OTHERS.search(q)):
        return "list"
    if stands_for(q):  # 'What is RNN-T short for?': the words, a fact
        return "fact"
    if _TAG.search(q) and not _WH.match(q):
        return "yesno"
    if (_COMPARE_CUE.search(q) and compare_subjects(q)) or _named_pair(q):
        return "compare"
    if sets_apart(q):
        return "explain"
    if _EXPLAIN.search(q) or _EXPLAIN.search(_asked(q)):
        return "explain"
    if m := _WHAT_IS.match(q):
        return "fact" if _FACT_NOUN.search(m["x"]) else "explain"
    if len(question_parts(q)) == 2:
        return "explain"  # two questions in one ('What does X expect ..., and does it say how ...?') ask for an account
    if _PAPERS_PICKED.search(q):
        return "list"
    if is_yes_no(q):
        return "yesno"
    return "fact"


_COUNT_PAPERS = re.compile(rf"^\s*how\s+many\s+(?:of\s+(?:my|our|the|[\w.-]+['’]s?)\s+)?{_PAPERS}\b", re.I)


def counts_papers(question: str) -> bool:
    """A list question that asks how many papers ('How many papers do I have on GNNs?')."""
    return bool(_COUNT_PAPERS.search(_strip_polite(question)))


_COUNTS = {
    "one": 1,
    "a": 1,
    "a single": 1,
    "single": 1,
    "1": 1,
    "two": 2,
    "a couple of": 2,
    "2": 2,
    "three": 3,
    "3": 3,
    "four": 4,
    "4": 4,
}
_COUNT = "|".join(sorted((re.escape(c) for c in _COUNTS), key=len, reverse=True))
# 'in two sentences', 'in one line', 'a one-sentence summary', 'briefly': the length the user asks for
_LENGTH = re.compile(
    rf",?\s*\bin\s+(?P<n>{_COUNT})\s+(?:short\s+)?(?:sentences?|lines?)\b,?"
    r"|\b(?P<m>one|two|three|single|1|2|3)[\s-](?:sentence|line|liner)s?\s+"
    r"|\b(?P<brief>briefly|in\s+brief|in\s+short|in\s+a\s+nutshell|quick(?:ly)?(?=\s+summar)|short(?=\s+summary))\b,?\s*",
    re.I,
)
_TLDR = re.compile(r"\btl;?\s*dr\b:?", re.I)
BRIEF = 2  # SET: sentences of an answer asked for 'briefly' (the shortest explanation)


def asked_length(question: str) -> tuple[int | None, str]:
    """How many sentences the question asks its answer to take, and the question without the
    asking: 'Summarise the N-Grammer paper in two sentences.' (2, 'Summarise the N-Grammer paper.');
    'Briefly, what is Lingvo?' (BRIEF, 'what is Lingvo?'); 'tl;dr of the Gemini report' (BRIEF,
    'summary of the Gemini report'); a question that asks for no length (None, the question)."""
    if _TLDR.search(question):
        return BRIEF, _TLDR.sub("summary", question, count=1)
    m = _LENGTH.search(question)
    if m is None:
        return None, question
    n = BRIEF if m.group("brief") else _COUNTS[re.sub(r"\s+", " ", (m.group("n") or m.group("m")).lower())]
    rest = (question[: m.start()] + (" " if m.group("n") is None and m.start() else "") + question[m.end() :]).strip()
    rest = re.sub(r"[\s,;:]+([.?!])", r"\1", re.sub(r"\s{2,}", " ", rest)).lstrip(",;: ")
    return n, rest[:1].upper() + rest[1:] if question[:1].isupper() else rest


def read_question(question: str, libraries: Iterable[str] = ()) -> Query:
    """The question with its kind and the parts its kind needs."""
    q = _strip_polite(question)
    kind = kind_of(question)
    library = named_library(question, libraries)
    if kind == "list":
        topic = "" if _WHOLE.search(q) else list_topic(q)
        return Query(text=question, kind=kind, topic=topic, introduces=bool(_INTRODUCE.search(q)), library=library)
    if kind == "compare":
        return Query(text=question, kind=kind, subjects=compare_subjects(q), library=library)
    return Query(text=question, kind=kind, library=library)


# "What is X, and how was it built?": a second question joined to the first
_SECOND = re.compile(
    r"(?:,\s*|\s+)and\s+(?=(?:how|what|why|which|who|when|where|whether|does|do|did|is|are|was|were|can|could|in\s+what)\b)", re.I
)


def question_parts(question: str) -> list[str]:
    """A two-part question as its two questions ('What is UniMax, and what problem does it
    address?' -> ['What is UniMax', 'what problem does it address?']); else the question alone."""
    parts = _SECOND.split(question, maxsplit=1)
    return [p.strip(" ,") for p in parts] if len(parts) == 2 and all(len(p.split()) >= 2 for p in parts) else [question]


# "What is X?", "Tell me about X", "Describe X", "What does X do?": the question asks what a thing is
_WHAT_IT_IS = re.compile(
    r"^\s*(?:explain|describe|summari[sz]e|outline|tell\s+me\s+about|give\s+(?:me\s+)?(?:an?\s+)?(?:overview|summary))\b"
    r"|^\s*what\s+(?:does|do|did)\s+.+?\s+do\s*\??\s*$",
    re.I,
)


def asks_what_it_is(question: str) -> bool:
    """Whether a question (or its first part) asks what something is, rather than something about it
    ('What is UniMax?' does; 'What lesson does the Flan-MoE paper draw?' does not)."""
    q = _strip_polite(question_parts(question)[0])
    if _WHAT_IT_IS.search(q):
        return True
    m = _WHAT_IS.match(q)
    return m is not None and not _FACT_NOUN.search(m["x"])
