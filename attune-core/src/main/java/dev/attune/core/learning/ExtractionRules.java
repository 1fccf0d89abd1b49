package dev.attune.core.learning;

import dev.attune.core.model.Category;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The offline extractor's specific rules: each recognizes one way of saying one kind of thing about
 * oneself ("my name is ...", "I moved to ...", "I switched from ... to ...") and phrases it as a
 * third-person fact with its category, and for single-valued facts the slot and value consolidation
 * needs to tell a change from a repeat. Tried in order; the first that matches decides.
 */
final class ExtractionRules {
  static final List<Rule> ALL = rules();

  private ExtractionRules() {}

  // Words between "I" and its verb: any -ly adverb and the common short ones ("I much prefer").
  private static final String ADV =
      "(?:(?:\\p{L}{3,}ly|just|also|still|always|never|often|even|already|much|only|rather|kinda"
          + "|kind of|sort of|so|do|now|no longer) )*";
  private static final String LANGUAGES =
      "(?-i:Python|Java|Go|Golang|Rust|JavaScript|TypeScript|Kotlin|Scala|Swift|Ruby|PHP|Perl"
          + "|C\\+\\+|C#|C|Haskell|Elixir|Erlang|Clojure|Julia|R|Dart|Lua|SQL|Bash|MATLAB"
          + "|Fortran|COBOL|Zig|OCaml|F#)";
  private static final String OCCUPATION =
      "(?:software |senior |junior |lead |staff |principal |chief |head |full[- ]?stack |front[- ]?end |back[- ]?end |data |machine learning |ml |devops |security |product |project |marketing |sales |graphic |ux |ui |web |mobile |registered |school |high school |music |art |yoga |personal |social |freelance |professional |research |civil |mechanical |electrical )*"
          + "(?:engineer|developer|programmer|designer|manager|scientist|analyst|teacher|nurse|doctor|"
          + "physician|student|researcher|writer|author|journalist|lawyer|attorney|consultant|architect|"
          + "artist|counselor|counsellor|therapist|psychologist|accountant|founder|co-founder|ceo|cto|cfo|"
          + "owner|administrator|officer|intern|professor|lecturer|chef|cook|photographer|musician|"
          + "painter|dancer|actor|actress|pilot|firefighter|police officer|mechanic|electrician|"
          + "plumber|carpenter|farmer|entrepreneur|freelancer|director|editor|librarian|pharmacist|"
          + "dentist|veterinarian|vet|coach|trainer|instructor|tutor|recruiter|salesperson|"
          + "assistant|technician|specialist|coordinator|volunteer|barista|cashier|clerk)s?";

  private static final Pattern ANSWER_NOUN =
      Pattern.compile(
          "(?i).*\\b(answers?|responses?|replies|explanations?|instructions|examples?|steps)$");

  /**
   * "Keep it short" says how answers should be: "prefers short answers"; "give me step-by-step
   * instructions" names them: "prefers step-by-step instructions".
   */
  private static @Nullable String answerStyle(Matcher m, String subject) {
    String v = Rule.clause(Rule.group(m, "v"));
    if (v == null) {
      return null;
    }
    if (ANSWER_NOUN.matcher(v).matches()) {
      return subject + " prefers " + v;
    }
    return v.contains(" ")
        ? subject + " prefers answers that are " + v
        : subject + " prefers " + v + " answers";
  }

  private static List<Rule> rules() {
    return List.of(
        // Identity
        Rule.rule(
            "(?:my name is|my name's|call me|i go by) (?<v>(?-i:\\p{Lu})[\\p{L}'-]+(?: (?-i:\\p{Lu})[\\p{L}'-]+)?)",
            Category.IDENTITY,
            "name",
            0.9,
            Rule.says("{P} name is {V}")),
        Rule.rule(
            "(?:hi|hello|hey)(?: there| all| everyone)?[,!.]*\\s+(?:i'm|i am|this is) (?<v>(?-i:\\p{Lu})[\\p{L}'-]+)(?=$|[,.!;]|\\s+(?:and|here)\\b)",
            Category.IDENTITY,
            "name",
            0.85,
            Rule.says("{P} name is {V}")),
        Rule.rule(
            "(?:i'm|i am) (?<v>\\d{1,3}) (?:years? old|yo)\\b",
            Category.IDENTITY,
            "age",
            0.8,
            Rule.says("{S} is {V} years old")),
        Rule.rule(
            "my pronouns are (?<v>[\\p{L}/ ]{2,30})",
            Category.IDENTITY,
            "pronouns",
            0.9,
            Rule.says("{P} pronouns are {V}")),
        // Role and expertise
        Rule.rule(
            "i (?:work|am working|'m working) as (?<v>(?:an? |the )?[^.;!?,]{2,60})",
            Category.ROLE,
            "role",
            0.85,
            Rule.says("{S} works as {V}")),
        Rule.rule(
            "(?:i'm|i am) (?:now |currently )?(?:an? |the )(?<v>"
                + OCCUPATION
                + "(?: at [^.;!?,]{2,40})?)\\b",
            Category.ROLE,
            "role",
            0.75,
            Rule.says("{S} is a {V}")),
        Rule.rule(
            "i (?:work|am working|'m working|am employed|'m employed) (?:at|for) (?<v>[^.;!?,]{2,50})",
            Category.ROLE,
            "employer",
            0.8,
            Rule.says("{S} works at {V}")),
        Rule.rule(
            "(?:i'm|i am) (?:a |an )?(?:complete |total |relative |bit of a |fairly )?(?:beginner|newbie|novice|new) (?:to|in|at|with) {V}",
            Category.EXPERTISE,
            null,
            0.8,
            Rule.says("{S} is new to {V}")),
        Rule.rule(
            "(?:i'm|i am) (?:an? )?(?:expert|experienced|proficient|advanced|skilled|fluent|very good|pretty good) (?:in|at|with) {V}",
            Category.EXPERTISE,
            null,
            0.8,
            Rule.says("{S} is experienced in {V}")),
        Rule.rule(
            "(?:i've|i have) been (?<verb>doing|working with|working in|working on|using|coding in|programming in|practicing|practising|playing|teaching|studying|painting|writing) (?<v>[^.;!?,]{2,40}?) for (?<k>[^.;!?,]{2,30})",
            Category.EXPERTISE,
            null,
            0.75,
            (m, s) -> {
              String v = Rule.clause(Rule.group(m, "v"));
              String k = Rule.clause(Rule.group(m, "k"));
              return v == null || k == null
                  ? null
                  : s + " has been " + m.group("verb") + " " + v + " for " + k;
            }),
        // Location and language
        Rule.replacing(
            "i (?:just |recently |finally )?(?:moved|relocated) (?:from (?<r>(?-i:\\p{Lu})[^.;!?,]{1,40}?) )?to (?<v>(?-i:\\p{Lu})[^.;!?,]{1,40})",
            Category.LOCATION,
            "location",
            0.85,
            Rule.says("{S} moved to {V}")),
        Rule.rule(
            "i (?:live|am living|'m living|reside|stay) in (?<v>[^.;!?,]{2,50})",
            Category.LOCATION,
            "location",
            0.85,
            Rule.says("{S} lives in {V}")),
        Rule.rule(
            "(?:i'm|i am) (?:currently )?(?:based|located|living) in (?<v>[^.;!?,]{2,50})",
            Category.LOCATION,
            "location",
            0.85,
            Rule.says("{S} lives in {V}")),
        Rule.rule(
            "(?:i'm|i am|i come) (?:originally )?from (?<v>(?-i:\\p{Lu})[^.;!?,]{1,40})",
            Category.LOCATION,
            "origin",
            0.8,
            Rule.says("{S} is from {V}")),
        Rule.rule(
            "(?:my native language is|my first language is|my mother tongue is) (?<v>(?-i:\\p{Lu})\\p{L}+)",
            Category.LANGUAGE,
            "native_language",
            0.9,
            Rule.says("{P} native language is {V}")),
        Rule.rule(
            "i (?:speak|am fluent in|'m fluent in) (?<v>(?-i:\\p{Lu})\\p{L}+(?:(?:,| and| or) (?-i:\\p{Lu})\\p{L}+)*)",
            Category.LANGUAGE,
            null,
            0.8,
            Rule.says("{S} speaks {V}")),
        Rule.rule(
            "please (?:always )?(?:answer|reply|respond|write|talk)(?: to me)? in (?<v>(?-i:\\p{Lu})\\p{L}+)",
            Category.LANGUAGE,
            "answer_language",
            0.85,
            Rule.says("{S} wants answers in {V}")),
        // Communication style
        Rule.rule(
            "(?:please )?(?:keep (?:it|things|answers|your answers|responses|replies) |be |give me |i (?:prefer|like|want|need) )(?<v>(?:short|brief|concise|detailed|thorough|in-depth|step[- ]by[- ]step|simple|technical|casual|formal|plain)\\b[^.;!?,]{0,40})",
            Category.COMMUNICATION_STYLE,
            "answer_style",
            0.8,
            ExtractionRules::answerStyle),
        Rule.rule(
            "(?:no|avoid|please avoid|don't use|do not use|please don't use) (?<v>jargon|emojis?|bullet points|technical terms|long answers|small talk|code samples|acronyms)\\b",
            Category.COMMUNICATION_STYLE,
            null,
            0.75,
            Rule.says("{S} wants no {V}")),
        Rule.rule(
            "explain (?:things |it |everything )?(?:to me )?like i'm (?<v>[^.;!?,]{2,30})",
            Category.COMMUNICATION_STYLE,
            null,
            0.75,
            Rule.says("{S} wants explanations pitched like they're {V}")),
        // Aversions before preferences: "I don't like" must not read as "like".
        Rule.rule(
            "i "
                + ADV
                + "(?:don't|do not|never|no longer|can't|cannot) (?:really )?(?:like|love|enjoy|eat|drink|want|use|stand) {V}",
            Category.AVERSION,
            null,
            0.75,
            Rule.says("{S} does not like {V}")),
        Rule.rule(
            "i " + ADV + "(?:hate|dislike|detest|loathe|avoid) {V}",
            Category.AVERSION,
            null,
            0.8,
            Rule.says("{S} dislikes {V}")),
        Rule.rule(
            "(?:i'm|i am) (?:not a|no) (?:big |huge )?fan of {V}",
            Category.AVERSION,
            null,
            0.75,
            Rule.says("{S} is not a fan of {V}")),
        // Something that no longer holds: it replaces what was known, and says so.
        Rule.replacing(
            "(?:i'm|i am) (?:no longer|not) (?:a |an )?(?<r>vegan|vegetarian|pescatarian|lactose intolerant|gluten[- ]free|diabetic|sober|pregnant)(?: any ?more)?\\b",
            Category.CONSTRAINT,
            null,
            0.85,
            (m, s) -> s + " is no longer " + m.group("r").toLowerCase(Locale.ROOT)),
        Rule.replacing(
            "i (?:no longer|don't|do not) (?:work) (?:at|for) (?<r>[^.;!?,]{2,50}?)(?: any ?more)?(?=$|[,.;!?]|\\s+(?:and|but|since|because)\\b)",
            Category.ROLE,
            null,
            0.8,
            (m, s) -> {
              String r = Rule.clause(Rule.group(m, "r"));
              return r == null ? null : s + " no longer works at " + r;
            }),
        Rule.replacing(
            "i (?:no longer|don't|do not) (?:live) in (?<r>[^.;!?,]{2,50}?)(?: any ?more)?(?=$|[,.;!?]|\\s+(?:and|but|since|because)\\b)",
            Category.LOCATION,
            null,
            0.8,
            (m, s) -> {
              String r = Rule.clause(Rule.group(m, "r"));
              return r == null ? null : s + " no longer lives in " + r;
            }),
        // Tools
        Rule.replacing(
            "i (?:just |recently |finally )?(?:switched|moved|migrated|changed|went) from (?<r>[^.;!?,]{1,30}?) to (?<v>[^.;!?,]{1,40})",
            Category.TOOL,
            null,
            0.85,
            Rule.says("{S} switched from {R} to {V}")),
        Rule.rule(
            "i "
                + ADV
                + "(?:write|code|program|develop)(?: code| mostly| mainly)?(?: in)? (?<v>"
                + LANGUAGES
                + "(?:(?:,| and| or) "
                + LANGUAGES
                + ")*)(?![\\w+#])",
            Category.TOOL,
            null,
            0.75,
            Rule.says("{S} writes code in {V}")),
        Rule.rule(
            "i "
                + ADV
                + "(?:use|am using|'m using|code in|program in|write code in|develop in|build with|build in|work with|work in) {V}",
            Category.TOOL,
            null,
            0.7,
            Rule.says("{S} uses {V}")),
        // Preferences
        Rule.rule(
            "my (?:all[- ]time )?favou?rite (?<k>[\\p{L} ]{2,30}?) (?:is|are|has to be|would be) {V}",
            Category.PREFERENCE,
            "favorite_",
            0.85,
            Rule.says("{P} favorite {K} is {V}")),
        Rule.rule(
            "i (?<adv>"
                + ADV
                + ")(?<verb>like|love|enjoy|adore|prefer|appreciate|cherish|treasure) {V}",
            Category.PREFERENCE,
            null,
            0.75,
            Rule.says("{S} {VERB} {V}")),
        Rule.rule(
            "(?:i'm|i am) (?:a )?(?:big |huge |massive )?fan of {V}",
            Category.PREFERENCE,
            null,
            0.8,
            Rule.says("{S} is a fan of {V}")),
        Rule.rule(
            "(?:i'm|i am) (?:really |very |so )?(?:passionate about|into|obsessed with|interested in|keen on|excited about) {V}",
            Category.PREFERENCE,
            null,
            0.7,
            Rule.says("{S} is into {V}")),
        // Constraints
        Rule.rule(
            "(?:i'm|i am) allergic to {V}",
            Category.CONSTRAINT,
            null,
            0.9,
            Rule.says("{S} is allergic to {V}")),
        Rule.rule(
            "(?:i'm|i am) (?<v>vegan|vegetarian|pescatarian|lactose intolerant|gluten[- ]free|diabetic|colou?r ?blind|deaf|blind|sober|pregnant)\\b",
            Category.CONSTRAINT,
            null,
            0.85,
            Rule.says("{S} is {V}")),
        Rule.rule(
            "(?:i need|i have|i've got|i must) to (?<v>[^.;!?,]{2,60}?) (?:by|before) (?<k>[^.;!?,]{2,30})",
            Category.CONSTRAINT,
            null,
            0.75,
            (m, s) -> {
              String v = Rule.clause(Rule.group(m, "v"));
              String k = Rule.clause(Rule.group(m, "k"));
              return v == null || k == null ? null : s + " needs to " + v + " by " + k;
            }),
        Rule.rule(
            "my budget is {V}",
            Category.CONSTRAINT,
            "budget",
            0.85,
            Rule.says("{P} budget is {V}")),
        Rule.rule(
            "i (?:can't|cannot|can not|am not allowed to|'m not allowed to) (?!wait\\b|believe\\b|imagine\\b|thank\\b){V}",
            Category.CONSTRAINT,
            null,
            0.65,
            Rule.says("{S} cannot {V}")),
        // Goals
        Rule.rule(
            "my (?:main |big |ultimate )?(?:goal|dream|plan|aim) is (?:to )?{V}",
            Category.GOAL,
            null,
            0.8,
            Rule.says("{P} goal is to {V}")),
        Rule.rule(
            "(?:i'm|i am) (?<verb>trying|planning|hoping|aiming|going|looking|working hard|saving up) (?:to|for) {V}",
            Category.GOAL,
            null,
            0.7,
            (m, s) -> {
              String v = Rule.clause(Rule.group(m, "v"));
              return v == null ? null : s + " is " + m.group("verb") + " to " + v;
            }),
        Rule.rule(
            "i (?:really )?(?<verb>want|plan|hope|intend|aim|would love|'d love|would like|'d like|wish|dream) to {V}",
            Category.GOAL,
            null,
            0.7,
            (m, s) -> {
              String v = Rule.clause(Rule.group(m, "v"));
              String verb = m.group("verb").replace("'d", "would");
              return v == null
                  ? null
                  : s
                      + " "
                      + (verb.startsWith("would") ? verb : Phrasing.conjugate(verb))
                      + " to "
                      + v;
            }),
        Rule.rule(
            "(?:i'm|i am) (?:currently |now )?(?<verb>learning|studying|working on|building|writing|training for|preparing for|researching) {V}",
            Category.GOAL,
            null,
            0.7,
            (m, s) -> {
              String v = Rule.clause(Rule.group(m, "v"));
              return v == null ? null : s + " is " + m.group("verb") + " " + v;
            }),
        // People and pets
        Rule.rule(
            "my (?<k>wife|husband|partner|spouse|fianc[ée]e?|boyfriend|girlfriend|son|daughter|kids?|children|baby|mom|mum|mother|dad|father|sister|brother|sibling|parents|family|grandma|grandmother|grandpa|grandfather|aunt|uncle|cousin|friend|best friend|friends|roommate|boss|colleague|coworker|dog|cat|pet|puppy|kitten)(?:'s name)? (?<v>(?:is|are|was|were|has|have|had|loves?|likes?|named|called|just|recently|got|turned|started)\\b[^.;!?]{1,90})",
            Category.RELATIONSHIP,
            null,
            0.75,
            (m, s) -> {
              String v = Rule.clause(Rule.group(m, "v"));
              return v == null ? null : Phrasing.possessive(s) + " " + m.group("k") + " " + v;
            }),
        Rule.rule(
            "i have (?<v>(?:a |an |one |two |three |four |five |\\d+ )(?:[\\p{L}-]+ )?(?:kids?|children|sons?|daughters?|dogs?|cats?|brothers?|sisters?|siblings?|pets?|grandchildren|puppies|kittens)\\b[^.;!?]{0,40})",
            Category.RELATIONSHIP,
            null,
            0.8,
            Rule.says("{S} has {V}")),
        Rule.rule(
            "(?:i'm|i am) (?<v>married|single|divorced|engaged|widowed|a (?:mom|mum|dad|mother|father|parent|grandparent|grandmother|grandfather)(?: of [^.;!?,]{2,30})?)\\b",
            Category.IDENTITY,
            null,
            0.8,
            Rule.says("{S} is {V}")),
        // Events
        Rule.rule(
            "i (?:just |recently |finally |also |actually |already |even )*(?<verb>went|visited|started|finished|joined|attended|adopted|bought|got|won|graduated|ran|completed|took|made|painted|wrote|read|saw|met|lost|signed up|volunteered|traveled|travelled|celebrated|received|launched|published|built|created|learned|learnt|tried|spent|had|gave|organized|organised|hosted|climbed|hiked|baked|cooked|performed|played|watched|moved|decided|became|quit|left|passed|applied|enrolled|donated|raised|planted|found|taught|helped|bought)\\b {V}",
            Category.EVENT,
            null,
            0.65,
            Rule.says("{S} {VERB} {V}")),
        Rule.rule(
            "(?:i've|i have) (?:just |recently |finally |already |also )*(?<verb>been|started|finished|joined|adopted|bought|got|gotten|won|completed|taken|made|painted|written|read|seen|met|lost|volunteered|traveled|travelled|learned|tried|decided|become|quit|passed|applied|enrolled|donated|raised|found|taught|helped|visited)\\b {V}",
            Category.EVENT,
            null,
            0.65,
            (m, s) -> {
              String v = Rule.clause(Rule.group(m, "v"));
              return v == null ? null : s + " has " + m.group("verb") + " " + v;
            }));
  }
}
