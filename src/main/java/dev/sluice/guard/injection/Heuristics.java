package dev.sluice.guard.injection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hand-written rules for the shapes prompt injections take: overriding earlier instructions,
 * re-assigning the model's role (jailbreaks), extracting the system prompt, announcing "new
 * instructions", addressing the AI from inside a document (indirect injection), fake role markers,
 * and exfiltration. Each rule has a weight; the score of a text is the noisy-OR of the weights of
 * the distinct rules that match any of its readings. Rules run on folded text (lower case,
 * confusables mapped), so they are written in lower case ASCII.
 */
final class Heuristics {

    /**
     * A named rule. {@code weight} is the probability-like strength of its evidence; {@code anchors}
     * are words at least one of which must occur for the rule to match at all. A {@code leading}
     * rule's matches start with an anchor, so it is tried only at the anchors ({@code lookingAt});
     * other rules search a window around them. A long benign text costs one word scan, not 80 regexes.
     */
    record Rule(int id, String name, double weight, Set<String> anchors, boolean leading, int before, int after,
                Pattern pattern) {}

    /** The rule names that matched and the combined score. */
    record Result(double score, List<String> rules) {}

    private static final int BEFORE = 200;
    private static final int AFTER = 260;
    private static final String W = "(?:\\W+\\w+){0,%d}?\\W+";
    private static final String OVERRIDE_VERB = "(?:ignore|ignoring|disregard|disregarding|forget|forgetting|override|overrule"
            + "|bypass|skip|drop|abandon|discard|set aside|stop following|do not follow|don't follow|dont follow|cease following"
            + "|never ?mind|neglect|erase|throw away|put aside|delete|cancel|suspend|pay no attention to|don't listen to|do not listen to)";
    private static final String PRIOR = "(?:previous|prior|above|earlier|preceding|former|original|initial|old|existing"
            + "|system|developer|hidden|safety|all|any|every|your|these|those|whatever|the)";
    private static final String GUIDANCE = "(?:instructions?|directives?|guidelines?|rules|prompts?|programming|constraints"
            + "|restrictions|polic(?:y|ies)|guardrails|filters?|training|orders|commands|limitations|safeguards"
            + "|system messages?|developer messages?|ethical guidelines|content policy|safety policy|configuration)";
    /** What a model does (or an adverb before it), for "you can ... without restrictions". */
    private static final String MODEL_ACTS = "(?:think|speak|talk|write|say|answer|respond|reply|generate|produce|output|create|do"
            + "|act|express|discuss|tell|share|provide|give|operate|function|behave|be|roleplay|comply|help|assist|explore"
            + "|now|also|still|even|\\w+ly)";
    /** Anchor words of the rules that address an AI by name or kind. */
    private static final String AI_ANCHORS = "ai assistant assistants language llm llms bot bots chatbot chatbots agent agents"
            + " model models copilot gpt chatgpt claude gemini automated";
    private static final String AI = "(?:ai|a\\.i\\.|assistant|language models?|llms?|bots?|chatbots?|agents?|models?|copilot"
            + "|gpt|chatgpt|claude|gemini|ai agents?|ai assistants?|ai models?|automated (?:screening|system|agent)s?)";

    private static final List<Rule> RULES = List.of(
            // --- overriding what the model was told
            rule("override", 0.93, "^ignore ignoring disregard disregarding forget forgetting override overrule bypass skip drop abandon discard set stop do dont don cease never nevermind neglect erase throw put delete cancel suspend pay", "\\b" + OVERRIDE_VERB + "\\b" + w(3) + PRIOR + w(3) + GUIDANCE + "\\b"),
            rule("override", 0.9, "^ignore ignoring disregard disregarding forget forgetting override overrule bypass skip drop abandon discard set stop do dont don cease never nevermind neglect erase throw put delete cancel suspend pay", "\\b" + OVERRIDE_VERB + "\\s+(?:the|everything|all)\\s+(?:above|before|previous|prior)"
                    + "(?=\\s*(?:[.,;:!]|$|and\\b|then\\b|instead\\b))"),
            rule("override", 0.85, "^previous prior above earlier original first", "\\b(?:previous|prior|above|earlier|original|first) (?:system|developer) (?:message|prompt|instructions?)\\b"
                    + ".{0,60}\\b(?:ignore|disregard|forget|written by an attacker|fake|void|outdated|not valid)\\b"),
            rule("override", 0.85, "^what everything anything whatever", "\\b(?:what|everything|anything|whatever) (?:you were|you've been|you have been) (?:told|given|instructed"
                    + "|taught)\\b(?: \\w+){0,3} (?:is|are|was) (?:void|invalid|cancel+ed|over|no longer valid|wrong|fake|irrelevant|obsolete)"),
            rule("override", 0.85, "^ignore ignoring disregard disregarding forget forgetting override overrule bypass skip drop abandon discard set stop do dont don cease never nevermind neglect erase throw put delete cancel suspend pay", "\\b" + OVERRIDE_VERB + "\\s+(?:everything|anything|all)\\s+(?:you (?:were|have been|'ve been) "
                    + "(?:told|instructed|given|taught|programmed))"),
            rule("override", 0.85, "^whatever anything everything", "\\b(?:whatever|anything|everything) (?:you were|you have been|you've been) (?:told|instructed|programmed)"),
            rule("override", 0.8, "^instructions instruction directive directives guideline guidelines rules prompt prompts programming constraints restrictions policy policies guardrails filter filters training orders commands limitations safeguards system developer ethical content safety configuration", "\\b" + GUIDANCE + "\\b(?: (?:you (?:were|have been) given|above|before))?\\s+(?:no longer apply|are (?:now )?"
                    + "(?:void|outdated|cancelled|canceled|suspended|obsolete|irrelevant|fake|null))"),
            rule("override", 0.75, "^supersede supersedes override overrides replace replaces take takes", "\\b(?:supersedes?|overrides?|replaces?|takes? precedence over)\\s+(?:all |any |the |your )?"
                    + "(?:previous|prior|earlier|above|other|original|existing)\\s+" + GUIDANCE),
            rule("override", 0.7, "^your", "\\byour (?:original|previous|real|actual|initial) (?:task|instructions?|goal|purpose|job)"
                    + " (?:is|are|has been|have been) (?:cancel+ed|over|void|changed|replaced)"),
            // --- new instructions announced
            rule("new_instructions", 0.75, "^new updated real actual true revised secret additional important", "\\b(?:new|updated|real|actual|true|revised|secret|additional|important) (?:instructions?"
                    + "|rules?|directives?|orders|task|guidelines)\\b\\s*(?::|follow|are\\b|is\\b|for (?:the )?" + AI + ")"),
            rule("new_instructions", 0.45, "^new", "\\bnew (?:rule|directive|task|instruction)\\b"),
            rule("new_instructions", 0.75, "^from", "\\bfrom (?:now on|this point(?: forward| on)?|here on),? you (?:are|will be"
                    + "|shall be|become|act as|play)\\b"),
            rule("new_instructions", 0.45, "^from", "\\bfrom (?:now on|this point(?: forward| on)?|here on)\\b" + w(4) + "(?:you|your|ignore|answer|respond|reply|always|never|only)\\b"),
            rule("authority", 0.75, "^admin administrator developer system root sudo maintenance god debug", "\\b(?:admin|administrator|developer|system|root|sudo|maintenance|god|debug) (?:override|mode"
                    + "|access|command|privileges?|code)\\b" + w(8) + "(?:ignore|bypass|restrictions?|limitations?|rules|unfiltered|obey|dump"
                    + "|without|lifted|removed|disabled|answer|comply|must)\\b"),
            rule("authority", 0.8, "^enable activate enter switch turn engage you", "\\b(?:enable|activate|enter|switch to|turn on|engage|you are (?:now )?in)\\s+(?:the\\s+)?"
                    + "(?:developer|god|dan|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|opposite|evil|debug|maintenance|sudo"
                    + "|admin|chaos|unlocked) mode\\b"),
            rule("authority", 0.8, "<64,4>mode", "\\b(?:you are|you're|this (?:conversation|chat|session) is|we are) (?:now )?in (?:an? )?(?:unrestricted"
                    + "|unfiltered|uncensored|jailbreak|developer|god|debug|maintenance|testing|test|sudo|admin)\\b[\\w ]{0,20}mode\\b"),
            rule("authority", 0.7, "^i", "\\bi (?:am|'m) (?:your|the|an?) (?:developer|creator|administrator|admin|owner|programmer)\\b"
                    + w(10) + "(?:authori[sz]e|allow|permit|order|command|bypass|override|ignore|unlock)"),
            rule("authority", 0.75, "^official urgent", "\\b(?:official|urgent) (?:message|notice|instruction|update) from (?:openai|anthropic|google"
                    + "|the (?:developers?|admins?|system))"),
            rule("authority", 0.7, "^content safety usage", "\\b(?:content|safety|usage) polic(?:y|ies) (?:is|are|has been|have been) (?:suspended|disabled"
                    + "|lifted|removed|turned off|paused)"),
            rule("authority", 0.7, "^safety restrictions filter filters censorship guardrails limitations", "\\b(?:safety|restrictions|filters?|censorship|guardrails|limitations)\\s*(?:=|:)?\\s*(?:off|none|"
                    + "disabled|removed|false|0)\\b"),
            rule("authority", 0.6, "^restrictions limitations filters rules", "\\b(?:restrictions|limitations|filters|rules) (?:are |have been )?(?:removed|lifted|disabled|gone)\\b"),
            // --- jailbreak role play
            rule("jailbreak", 0.9, "^do stands stand", "\\bdo anything now\\b|\\bstands? for (?:\"|')?do anything"),
            rule("jailbreak", 0.85, "^you", "\\byou are (?:now )?(?:dan|stan|aim|dude|evilbot|freedomgpt|jailbroken|unchained|unfiltered"
                    + "|uncensored|unrestricted|an? (?:unfiltered|uncensored|unrestricted|jailbroken|evil|rogue|amoral|unethical))\\b"),
            rule("jailbreak", 0.85, "^act behave respond answer reply roleplay role pose pretend simulate", "\\b(?:act|behave|respond|answer|reply|roleplay|role-play|role play|pose|pretend|simulate)"
                    + "(?: to be| as| like)?\\s+(?:an?\\s+|my\\s+|the\\s+)?(?:\\w+\\s+)?(?:unfiltered|uncensored|unrestricted|jailbroken|evil"
                    + "|rogue|amoral|unethical|unaligned|unbound|lawless)\\b"),
            rule("jailbreak", 0.85, "^no without free not devoid ignore ignores", "\\b(?:no|without(?: any)?|free (?:of|from)|not bound by|not restricted by|devoid of|ignores? (?:all|any))"
                    + "\\s+(?:ethical|moral|content|safety|openai'?s?)\\s+(?:guidelines|restrictions|rules|filters|limits|constraints"
                    + "|principles|policies|boundaries|training)\\b"),
            rule("jailbreak", 0.75, "^not free broken outside", "\\b(?:not bound by|not restricted by|not limited by|free from|free of|broken free of|outside of)"
                    + " (?:any |the |all |typical )*(?:rules|restrictions|guidelines|policies|confines|filters|limitations)\\b"),
            // an AI (or "you") without restrictions; but "you can <verb> without restrictions" only for what a model does
            // (think, say, answer, ...): "you can enroll without restrictions" is a college's letter (session 13, val)
            rule("jailbreak", 0.75, "<64,4>restrictions limits filters rules limitations censorship boundaries", "\\b(?:ai|assistant|model|chatbot|bot|you|gpt)\\b"
                    + "(?!\\s+(?:can|may|could|are (?:able|allowed|free) to|will be (?:able|allowed) to)\\s+(?!" + MODEL_ACTS + "\\b)[a-z]+\\b)"
                    + ".{0,40}\\b(?:no|without(?: any)?) (?:restrictions"
                    + "|limits|filters|rules|limitations|censorship|boundaries)\\b"),
            rule("jailbreak", 0.45, "^no without", "\\b(?:no|without(?: any)?) (?:restrictions|limits|filters|limitations|censorship|boundaries)\\b"),
            rule("jailbreak", 0.75, "^freed liberated released unshackled unchained", "\\b(?:freed|liberated|released|unshackled|unchained) from\\b"),
            rule("jailbreak", 0.8, "^dead late deceased act pretend", "\\b(?:dead|late|deceased) (?:grandma|grandmother|granny|grandpa|grandfather|mother|father)\\b.{0,160}"
                    + "\\b(?:act as|pretend|roleplay|role-play|play (?:her|him)|be (?:her|him))\\b|\\b(?:act as|pretend to be|pretend you are)"
                    + " my (?:dead|late|deceased) (?:grandma|grandmother|granny|grandpa|grandfather)"),
            rule("jailbreak", 0.8, "^pretend imagine assume act suppose", "\\b(?:pretend|imagine|assume|act as if|suppose)\\b.{0,40}\\b(?:guidelines|rules|restrictions|policies"
                    + "|filters|limits|safety)\\b.{0,20}\\b(?:don't|do not|doesn't|does not|no longer|never) (?:exist|apply|matter)"),
            rule("jailbreak", 0.55, "^jailbroken", "\\bjailbroken\\b"),
            rule("jailbreak", 0.75, "^broken break breaking broke", "\\b(?:broken|break|breaking|broke) free (?:of|from)\\b"),
            rule("jailbreak", 0.8, "^you", "\\byou(?:'re| are) no longer (?:chatgpt|claude|gemini|an? (?:ai|assistant|language model|chatbot|ai assistant)"
                    + "|bound|restricted|limited|a helpful)"),
            rule("jailbreak", 0.8, "^you", "\\byou(?:'re| are) (?:now )?[a-z]*(?:gpt|bot|ai)\\b.{0,40}\\b(?:hate|ignore|no|without|break|don't follow)s? "
                    + "(?:rules|restrictions|guidelines|limits|filters|policies)"),
            rule("jailbreak", 0.7, "^stay remain keep", "\\b(?:stay|remain|keep) (?:fully |always )?in character\\b"),
            rule("jailbreak", 0.7, "^never don dont do cannot can will won", "\\b(?:never|don't|do not|cannot|can't|will not|won't) (?:refuse|decline|say no|mention (?:the |any )?"
                    + "(?:policy|policies|rules|guidelines))\\b"),
            rule("jailbreak", 0.4, "^always must", "\\b(?:always|must) (?:answer|comply|obey|respond)\\b"),
            rule("jailbreak", 0.6, "^jailbroken jailbreak", "\\bjailbr(?:oken|eak)\\s+(?:ai|model|assistant|mode|version|chatbot|bot)s?\\b"),
            rule("jailbreak", 0.6, "^opposite evil villain uncensored unfiltered", "\\b(?:opposite|evil|villain|uncensored|unfiltered) (?:mode|twin|version|persona)\\b"),
            rule("jailbreak", 0.55, "^hypothetical fictional imaginary", "\\b(?:hypothetical|fictional|imaginary) (?:ai|model|assistant|chatbot)\\b" + w(10)
                    + "(?:no|without|never) (?:safety|rules|restrictions|filters|guidelines|ethics)"),
            rule("jailbreak", 0.6, "^machiavellian without", "\\bmachiavellian\\b|\\bwithout (?:any )?(?:ethical|moral) (?:or moral |or ethical )?guidelines\\b"),
            rule("jailbreak", 0.5, "^two 2", "\\b(?:two|2) (?:responses|answers)\\b" + w(10) + "(?:uncensored|unfiltered|no restrictions|jailbr)"),
            // --- extracting the system prompt
            rule("extraction", 0.9, "<72,40>prompt prompts instructions rules guidelines directives configuration preprompt message window programming given received", "\\b(?:reveal|show|print|output|repeat|display|tell|give|leak|dump|share|disclose|expose|recite"
                    + "|quote|translate|summari[sz]e|encode|write out|write down|list|spell out|paste|send|return|what (?:is|are|was|were))\\b" + w(5)
                    + "(?:(?:your|the|my) )?(?:system prompt|system message|system instructions|initial (?:instructions|prompt|message)"
                    + "|hidden (?:instructions|prompt|text|rules|configuration)|secret (?:instructions|rules|prompt)|confidential"
                    + " (?:instructions|prompt|rules|configuration)|developer (?:message|instructions|prompt)|pre-?prompt"
                    + "|your (?:instructions|rules|guidelines|directives|prompt|configuration|context window|hidden rules|programming)"
                    + "|the (?:prompt|rules|instructions|text) (?:hidden |given |written )?(?:you were given|you received|you follow|above"
                    + "|at the (?:top|start|beginning))"
                    + "|rules you (?:were|have been) given)\\b"),
            rule("extraction", 0.85, "^repeat print output copy reproduce display quote reveal show tell give leak write paste dump list", "\\b(?:repeat|print|output|copy|reproduce|display|quote|reveal|show|tell|give|leak|write down|paste"
                    + "|dump|list)\\b" + w(3) + "(?:text|words|content|everything|all|message|lines?|characters|instructions)\\b" + w(2)
                    + "(?:above|before (?:this|my|the)|preceding|prior to)"),
            rule("extraction", 0.85, "^starting", "\\bstarting with (?:the words? )?[\"'“]?you are\\b"),
            rule("extraction", 0.8, "^what", "\\bwhat (?:exactly )?(?:were|are|have) you (?:been )?(?:told|instructed|programmed)\\b"),
            rule("extraction", 0.8, "^what", "\\bwhat (?:exactly )?(?:did|does) (?:the|your) (?:system|developer) (?:message|prompt|instructions?) say\\b"),
            rule("extraction", 0.8, "^before", "\\bbefore my first message\\b"),
            rule("extraction", 0.8, "^rules instructions guidelines prompt directives", "\\b(?:rules|instructions|guidelines|prompt|directives) you (?:were|have been|are) (?:given|configured with"
                    + "|set up with|programmed with|told|instructed with)\\b"),
            rule("extraction", 0.75, "^first", "\\bfirst \\d+ (?:words|lines|characters|tokens) of (?:your|the) (?:context|prompt|instructions|system)"),
            rule("extraction", 0.7, "^rules instructions guidelines", "\\b(?:rules|instructions|guidelines) you were given\\b" + w(6) + "(?:word for word|verbatim|exactly|in full)"),
            rule("extraction", 0.3, "^verbatim word in without", "\\b(?:verbatim|word for word|in full|without summari[sz]ing)\\b"),
            // --- addressing the AI from inside content (indirect injection)
            rule("indirect", 0.85, "^note message instruction instructions attention reminder warning directive p ps", "\\b(?:note|message|instructions?|attention|reminder|warning|directive|p\\.?s\\.?)\\s+(?:to|for)\\s+"
                    + "(?:the |any |all |every |an? )?" + AI + "\\b"),
            rule("indirect", 0.85, "^if", "\\bif you are an? (?:ai|a\\.i\\.|assistant|language model|llm|bot|chatbot|agent|automated|model"
                    + "|ai assistant|ai model|large language model)\\b"),
            rule("indirect", 0.8, "<24,8>" + AI_ANCHORS, "\\b(?:dear|hey|hi|hello|attention|to)\\s+(?:the\\s+)?(?:ai|a\\.i\\.|assistant|language model|llm|bot"
                    + "|chatgpt|copilot|claude|gemini|ai assistant|ai model|any bot|any ai|ai agents?)\\b\\s*[,:!.-]"),
            rule("indirect", 0.8, "<24,60>" + AI_ANCHORS, "(?:^|[\\[(<\\-:.!?]\\s*|\\b(?:hey|dear|yo|attention)\\s+)" + AI + "\\s*(?:,|:|-)\\s*(?:ignore|disregard|forget|stop"
                    + "|you must|your new|do not|don't|please|before|when|approve|reveal|tell|send|forward|recommend|respond|reply)"),
            rule("indirect", 0.8, "<8,48>any", "\\b(?:to|for) any (?:ai|bot|assistant|agent|model|llm|language model)s?\\b"),
            rule("indirect", 0.85, "^intended meant written addressed", "\\b(?:intended|meant|written|addressed) (?:only )?for (?:the |any |an? )?(?:ai|assistant|language model|llm|bot"
                    + "|model|agent|ai assistant)s?\\b"),
            rule("indirect", 0.8, "^you", "\\byou, the (?:model|assistant|ai|llm|bot|language model)\\b"),
            rule("indirect", 0.75, "<20,40>" + AI_ANCHORS, "\\b(?:and|oh|also|btw|ps|so),? (?:the )?(?:assistant|ai|bot|model|copilot|chatgpt|claude|gemini)\\s*,\\s*"
                    + "(?:please|you must|ignore|disregard|forget|add|send|forward|reveal|tell)"),
            rule("indirect", 0.8, "^when", "\\bwhen (?:you|the ai|an ai|the assistant|the model) (?:read|reads|process|processes|summari[sz]es?|sees?)"
                    + " (?:this|these)\\b"),
            rule("indirect", 0.8, "<14,40>" + AI_ANCHORS, "\\b(?:any|every|the) (?:ai|model|assistant|llm|language model|bot|agent)s? (?:summari[sz]ing|reading"
                    + "|processing|parsing|screening|reviewing)\\b"),
            rule("indirect", 0.6, "^instruction instructions note notes", "\\b(?:instructions?|notes?) for (?:ai|llm|language) (?:models|agents|assistants)\\b"),
            rule("indirect", 0.8, "^ai automated llm bot", "\\b(?:ai|automated|llm|bot) (?:reviewers?|screeners?|graders?|agents?|assistants?|models?|systems?)\\b"
                    + ".{0,20}\\b(?:must|should|shall|are required to|need to|have to)\\b"),
            rule("indirect", 0.85, "^ai language llm llms assistant assistants bot bots agent agents model models chatbot chatbots", "\\b(?:ai|language models?|llms?|assistants?|bots?|agents?|models?|chatbots?) (?:reading|processing"
                    + "|summari[sz]ing|seeing|parsing|that reads?) this\\b"),
            rule("indirect", 0.8, "^note message instruction instructions attention reminder", "\\b(?:note|message|instructions?|attention|reminder)\\s+(?:to|for)\\s+(?:the |any |an? )?(?:automated|ai)"
                    + " (?:reviewer|screener|screening|grader|recruiter|system|evaluator)s?\\b"),
            // --- fake role markers and prompt delimiters
            rule("role_marker", 0.8, "<6,24>im start end system endoftext inst sys", "<\\|im_start\\|>|<\\|im_end\\|>|<\\|system\\|>|<\\|endoftext\\|>|\\[/?inst\\]|<</?sys>>"),
            rule("role_marker", 0.75, "<10,48>system instruction instructions admin override new", "(?:#{2,}|\\[|<|\\*\\*)\\s*(?:system|instructions?|new instructions|admin|override|system override)"
                    + "\\s*(?:#{2,}|\\]|>|\\*\\*)"),
            rule("role_marker", 0.7, "^system begin", "\\bsystem override\\b|\\bbegin (?:system|new) (?:prompt|instructions)\\b"),
            rule("role_marker", 0.65, "<12,48>system", "(?:^|[.!?]\\s+|\\n)system\\s*:\\s*(?:new|ignore|you|the assistant|from now|override|instructions)"),
            // --- exfiltration and covert actions
            rule("exfiltration", 0.8, "^send forward email e post upload exfiltrate leak share include", "\\b(?:send|forward|email|e-mail|post|upload|exfiltrate|leak|share|include)\\s+(?:me\\s+)?(?:the |all |this "
                    + "|your |their |its |of the )?(?:(?:full|entire|whole|complete|latest|user's|users') )?(?:conversation|chat|history"
                    + "|messages|inbox|api keys?|credentials|passwords?|secrets?|tokens?|private messages|memory|payroll|database"
                    + "|user data|personal data|contents? of)\\b"),
            rule("exfiltration", 0.75, "<160,200>http https markdown", "!\\[[^\\]]*\\]\\(https?://[^)\\s]*[?&][a-z0-9_]+=|markdown image url"),
            rule("exfiltration", 0.8, "^curl wget", "\\b(?:curl|wget)\\b[^|\\n]{0,120}\\|\\s*(?:sh|bash|zsh|python)\\b"),
            rule("exfiltration", 0.75, "^do don never without", "\\b(?:do not|don't|never|without) (?:tell(?:ing)?|mention(?:ing)?|inform(?:ing)?|notify(?:ing)?|alert(?:ing)?)"
                    + " (?:this to )?(?:the )?(?:user|human|them)\\b"),
            rule("exfiltration", 0.75, "^secretly", "\\bsecretly (?:add|send|forward|change|delete|include|insert|email|transfer|wire|approve|copy)\\b"),
            rule("exfiltration", 0.6, "^must do", "\\bmust not mention this\\b|\\bdo not reveal (?:this|these) instructions?\\b"),
            rule("exfiltration", 0.7, "^delete wipe erase remove using", "\\b(?:delete|wipe|erase|remove) all (?:of )?(?:the )?(?:user's|users'|their) (?:files|emails|events"
                    + "|calendar|data|messages)\\b|\\busing your tools\\b"),
            // --- overrides in other languages
            rule("override_i18n", 0.9, "^ignoriere ignorieren vergiss vergessen missachte uberschreibe", "\\b(?:ignorier(?:e|en)?|vergiss|vergessen sie|missachte|uberschreibe)\\b.{0,40}\\b(?:anweisungen|instruktionen"
                    + "|regeln|vorgaben|befehle|richtlinien)\\b"),
            rule("override_i18n", 0.9, "^ignore ignores ignorez oublie oublies oubliez ne", "\\b(?:ignore[sz]?|oublie[sz]?|ne tiens pas compte)\\b.{0,40}\\b(?:instructions|consignes|regles|directives)"
                    + " (?:precedentes|anterieures|ci-dessus)\\b"),
            rule("override_i18n", 0.9, "^ignora olvida ignore omite", "\\b(?:ignora|olvida|ignore|omite)\\b.{0,40}\\b(?:instrucciones|reglas|indicaciones|directrices)\\b"),
            rule("override_i18n", 0.9, "^ignora dimentica ignorate dimenticate", "\\b(?:ignora|dimentica|ignorate|dimenticate)\\b.{0,40}\\b(?:istruzioni|regole|indicazioni)\\b"),
            rule("override_i18n", 0.9, "^negeer vergeet", "\\b(?:negeer|vergeet)\\b.{0,40}\\b(?:instructies|regels|aanwijzingen)\\b"),
            rule("override_i18n", 0.9, "^ignore esqueça esqueca ignora desconsidere", "\\b(?:ignore|esque[cç]a|ignora|desconsidere)\\b.{0,40}\\b(?:instru[cç][oõ]es|regras|diretrizes)\\b"),
            rule("extraction_i18n", 0.8, "^systemprompt system prompt invite regles reglas regole regels geheime geheimen", "\\b(?:systemprompt|system-prompt|prompt (?:de |di )?(?:sistema|systeme)|invite systeme"
                    + "|regles secretes|reglas secretas|regole segrete|geheime regels|geheimen regeln)\\b"));

    /** Run on the letter-spacing reading, where word boundaries are gone ("ignorepreviousinstructions"). */
    private static final List<Rule> COMPACT = List.of(
            rule("override", 0.9, "", OVERRIDE_VERB.replace(" ", "") + "(?:all|any|the|your|every)*(?:previous|prior|above|earlier|"
                    + "original|initial|system)?(?:instructions?|rules|guidelines|prompts?|directives)"),
            rule("extraction", 0.85, "", "systemprompt|hiddeninstructions|yourinstructions|initialinstructions"),
            rule("jailbreak", 0.85, "", "developermode|doanythingnow|jailbreak|norestrictions|withoutrestrictions"));

    private Heuristics() {}

    private static String w(int n) {
        return W.formatted(n);
    }

    private static int nextId;

    /**
     * @param anchors space-separated words; a leading {@code ^} marks a rule whose matches start with one
     *                of them, a leading {@code <b,a>} sets how many characters before and after an anchor
     *                the rule searches (default 200 and 260)
     */
    private static Rule rule(String name, double weight, String anchors, String regex) {
        boolean leading = anchors.startsWith("^");
        String words = leading ? anchors.substring(1) : anchors;
        int before = BEFORE;
        int after = AFTER;
        if (words.startsWith("<")) {
            int close = words.indexOf('>');
            String[] ba = words.substring(1, close).split(",");
            before = Integer.parseInt(ba[0]);
            after = Integer.parseInt(ba[1]);
            words = words.substring(close + 1);
        }
        return new Rule(nextId++, name, weight, words.isEmpty() ? Set.of() : Set.of(words.split(" ")), leading, before,
                after, Pattern.compile(regex, Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE));
    }

    /** Anchor word → the rules it can start, as an open-addressing table keyed by String.hashCode. */
    private static final int RULE_COUNT = RULES.size();
    private static final String[] ANCHOR_WORDS;
    @SuppressWarnings("unchecked")
    private static final List<Rule>[] ANCHOR_RULES;

    static {
        Map<String, List<Rule>> byWord = index();
        int size = Integer.highestOneBit(byWord.size() * 4);
        ANCHOR_WORDS = new String[size];
        ANCHOR_RULES = new List[size];
        for (Map.Entry<String, List<Rule>> e : byWord.entrySet()) {
            int h = e.getKey().hashCode();
            int slot = (h ^ (h >>> 16)) & (size - 1);
            while (ANCHOR_WORDS[slot] != null) {
                slot = (slot + 1) & (size - 1);
            }
            ANCHOR_WORDS[slot] = e.getKey();
            ANCHOR_RULES[slot] = List.copyOf(e.getValue());
        }
    }

    private static Map<String, List<Rule>> index() {
        Map<String, List<Rule>> out = new HashMap<>();
        for (Rule r : RULES) {
            for (String a : r.anchors()) {
                out.computeIfAbsent(a, k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }

    /**
     * The most windows one rule is tried in per message, over all its readings. Ordinary text has a
     * handful of anchors per rule; a megabyte of "ignore ignore ..." has 150,000, and trying a
     * regex at each cost a second. Past the cap the rule stops looking (the n-gram model still
     * reads every window of the text). Keeps the rules at a bounded cost per message, whatever
     * its length: at most {@code RULES × MAX_ATTEMPTS} regex runs, each in a window of a few
     * hundred characters.
     */
    static final int MAX_ATTEMPTS = 48;
    /** Overlapping windows of a rule merge up to this many characters (a megabyte of anchors is not one megabyte-long window). */
    static final int MAX_WINDOW = 1024;
    /** Letter-spaced runs longer than this are read in chunks of this size (half overlapping), at most {@link #MAX_ATTEMPTS} chunks. */
    static final int COMPACT_CHUNK = 256;

    static Result score(List<Variants.Reading> readings) {
        List<String> matched = new ArrayList<>(2);
        List<String> names = new ArrayList<>(2);
        int[] attempts = new int[RULE_COUNT];
        double miss = 1.0;
        for (Variants.Reading reading : readings) {
            String text = reading.text();
            int[][] hits = anchorsIn(text);
            for (Rule rule : RULES) {
                int[] at = hits[rule.id()];
                if (at != null && !names.contains(rule.name()) && matches(rule, text, at, attempts)) {
                    names.add(rule.name()); // each kind of evidence counts once, from the plainest reading that shows it
                    matched.add(reading.how().equals("plain") ? rule.name() : rule.name() + "-" + reading.how());
                    miss *= 1 - rule.weight();
                }
            }
            if (reading.how().equals("spacing")) {
                String compact = compact(reading.spacedRuns() != null ? reading.spacedRuns() : text);
                for (Rule rule : COMPACT) {
                    if (!names.contains(rule.name()) && findInChunks(rule, compact)) {
                        names.add(rule.name());
                        matched.add(rule.name() + "-spacing");
                        miss *= 1 - rule.weight();
                    }
                }
            }
        }
        return new Result(1 - miss, matched);
    }

    /** The letters of {@code text}, nothing else ("ignore previous" → "ignoreprevious"), without a regex. */
    static String compact(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), 1 << 16));
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'a' && c <= 'z') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A compact rule over chunks of {@link #COMPACT_CHUNK} letters, half overlapping, at most {@link #MAX_ATTEMPTS} chunks. */
    private static boolean findInChunks(Rule rule, String compact) {
        java.util.regex.Matcher m = rule.pattern().matcher(compact);
        int step = COMPACT_CHUNK / 2;
        for (int start = 0, k = 0; k < MAX_ATTEMPTS; start += step, k++) {
            int end = Math.min(compact.length(), start + COMPACT_CHUNK);
            m.region(start, end);
            if (m.find()) {
                return true;
            }
            if (end == compact.length()) {
                return false;
            }
        }
        return false;
    }

    /**
     * One pass over the words of {@code text}: for each rule with an anchor present, the windows
     * (pairs of start, end) around its anchors, merged, as a flat array {count, s1, e1, s2, e2...}.
     */
    private static int[][] anchorsIn(String text) {
        int[][] out = new int[RULE_COUNT][];
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && !wordChar(text.charAt(i))) {
                i++;
            }
            int start = i;
            int hash = 0;
            while (i < n && wordChar(text.charAt(i))) {
                hash = 31 * hash + text.charAt(i);
                i++;
            }
            if (i == start || i - start > 20) {
                continue;
            }
            List<Rule> rules = anchor(text, start, i, hash);
            if (rules == null) {
                continue;
            }
            for (Rule r : rules) {
                int lo = r.leading() ? start : Math.max(0, start - r.before());
                int hi = Math.min(n, (r.leading() ? start : i) + r.after());
                int[] w = out[r.id()];
                if (w == null) {
                    w = new int[9];
                    out[r.id()] = w;
                }
                int count = w[0];
                if (!r.leading() && count > 0 && lo <= w[2 * count] && hi - w[2 * count - 1] <= MAX_WINDOW) {
                    w[2 * count] = Math.max(w[2 * count], hi); // overlaps the last window: extend it
                    continue;
                }
                if (2 * count + 2 >= w.length) {
                    w = java.util.Arrays.copyOf(w, w.length * 2);
                    out[r.id()] = w;
                }
                w[2 * count + 1] = lo;
                w[2 * count + 2] = hi;
                w[0] = count + 1;
            }
        }
        return out;
    }

    private static boolean wordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c > 127 && Character.isLetterOrDigit(c);
    }

    /** The rules anchored on the word text[start, end), found by its hash without allocating. */
    private static List<Rule> anchor(String text, int start, int end, int hash) {
        int slot = (hash ^ (hash >>> 16)) & (ANCHOR_WORDS.length - 1);
        while (ANCHOR_WORDS[slot] != null) {
            String w = ANCHOR_WORDS[slot];
            if (w.length() == end - start && text.regionMatches(start, w, 0, w.length())) {
                return ANCHOR_RULES[slot];
            }
            slot = (slot + 1) & (ANCHOR_WORDS.length - 1);
        }
        return null;
    }

    /** Runs the rule in its windows (transparent bounds keep word boundaries and look-arounds right). */
    private static boolean matches(Rule rule, String text, int[] windows, int[] attempts) {
        int tries = Math.min(windows[0], MAX_ATTEMPTS - attempts[rule.id()]);
        if (tries <= 0) {
            return false;
        }
        attempts[rule.id()] += tries;
        java.util.regex.Matcher m = rule.pattern().matcher(text);
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        for (int k = 0; k < tries; k++) {
            m.region(windows[2 * k + 1], windows[2 * k + 2]);
            if (rule.leading() ? m.lookingAt() : m.find()) {
                return true;
            }
        }
        return false;
    }
}
