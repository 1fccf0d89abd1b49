package dev.attune.core.learning;

import dev.attune.core.model.Category;
import dev.attune.core.port.Candidate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The offline extractor's specific rules: each recognizes one way of saying one kind of thing about
 * oneself ("my name is ...", "I moved to ...", "I switched from ... to ...") and phrases it as a
 * third-person fact with its category, and for single-valued facts the slot and value consolidation
 * needs to tell a change from a repeat.
 */
final class ExtractionRules {
  private static final int MAX_VALUE_WORDS = 14;

  private static final Pattern DANGLING =
      Pattern.compile(
          "(?i).*\\b(to|a|an|the|with|of|for|from|at|in|on|and|or|but|their|my|our|his|her|its"
              + "|some|this|that|these|those|is|was|are|be|been|have|has|had|just|so|very|really|by"
              + "|about|into|like)$");
  private static final Pattern BOUNDARY =
      Pattern.compile(
          "(?i)\\s+(but|because|though|although|which|whereas|while|since|so that|so i|and i|and i'm|"
              + "and my|when i|if|until|unless)\\b.*$|\\s+-\\s.*$|\\s*[;:(].*$"
              + "|,\\s*(so|and then|which|as)\\b.*$");
  private static final Pattern TRAILING =
      Pattern.compile(
          "(?i)[\\s,]+(too|as well|a lot|so much|very much|really|lol|haha|though|tbh)$");
  private static final Set<String> VAGUE =
      Set.of("it", "that", "this", "them", "those", "these", "so", "too", "one", "you", "some");

  static final List<Rule> ALL = rules();

  private ExtractionRules() {}

  /** A captured value cut to its clause: no trailing conjunctions, fillers, or long tails. */
  static @Nullable String clause(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    String v = BOUNDARY.matcher(raw.strip()).replaceAll("");
    v = v.replaceAll("[,.!?\\s]+$", "");
    v = TRAILING.matcher(v).replaceAll("");
    String[] words = v.split("\\s+");
    if (words.length > MAX_VALUE_WORDS) {
      v = String.join(" ", java.util.Arrays.copyOf(words, MAX_VALUE_WORDS));
    }
    v = v.replaceAll("[,\\s]+$", "");
    String lower = v.toLowerCase(Locale.ROOT);
    if (v.isEmpty()
        || VAGUE.contains(lower)
        || VAGUE.contains(lower.split("\\s+")[0])
        || FirstPersonStatement.isVague(v)
        || DANGLING.matcher(lower).matches()
        || lower.matches(".*\\byou(r|rs|rself)?\\b.*")) {
      return null;
    }
    return v;
  }

  /** Builds a fact's text from a match: null when the match carries nothing worth keeping. */
  @FunctionalInterface
  private interface Phrase {
    @Nullable String text(Matcher m, String subject);
  }

  record Rule(
      Pattern pattern,
      Category category,
      @Nullable String slot,
      double confidence,
      Phrase phrase,
      @Nullable String valueGroup,
      boolean replaces) {

    /** True for a rule about how the user wants to be answered: it may read a request. */
    boolean aboutAnswers() {
      return category == Category.COMMUNICATION_STYLE || "answer_language".equals(slot);
    }

    @Nullable Candidate candidate(Matcher m, String subject, String messageId) {
      String text = phrase.text(m, subject);
      if (text == null) {
        return null;
      }
      String value = valueGroup != null ? clause(group(m, valueGroup)) : null;
      String replaced = replaces ? clause(group(m, "r")) : null;
      String slotName = slot;
      if (slotName != null && slotName.endsWith("_")) {
        // A slot family, e.g. favourite_<thing>.
        String kind = clause(group(m, "k"));
        slotName = kind == null ? null : slotName + kind.toLowerCase(Locale.ROOT).replace(' ', '_');
      }
      return new Candidate(
          Phrasing.sentence(Phrasing.thirdPerson(text, subject)),
          category,
          slotName,
          value,
          replaced,
          confidence,
          List.of(messageId));
    }
  }

  private static @Nullable String group(Matcher m, String name) {
    try {
      return m.group(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Rule rule(
      String regex, Category category, @Nullable String slot, double confidence, Phrase phrase) {
    return new Rule(
        compile(regex), category, slot, confidence, phrase, slot == null ? null : "v", false);
  }

  private static Rule replacing(
      String regex, Category category, @Nullable String slot, double confidence, Phrase phrase) {
    return new Rule(compile(regex), category, slot, confidence, phrase, "v", true);
  }

  private static Pattern compile(String regex) {
    // Trigger words match in any case; (?-i:...) turns case back on where a capital matters.
    return Pattern.compile("(?iu)" + regex.replace("{V}", "(?<v>[^.;!?]{2,120})"));
  }

  /** "{S} <text>" where the value is cut to its clause; null when nothing is left. */
  private static Phrase says(String template) {
    return (m, s) -> {
      String v = clause(group(m, "v"));
      if (v == null) {
        return null;
      }
      String text = template.replace("{S}", s).replace("{V}", v);
      if (text.contains("{R}")) {
        String r = clause(group(m, "r"));
        if (r == null) {
          return null;
        }
        text = text.replace("{R}", r);
      }
      if (text.contains("{K}")) {
        String k = clause(group(m, "k"));
        if (k == null) {
          return null;
        }
        text = text.replace("{K}", k);
      }
      if (text.contains("{P}")) {
        text = text.replace("{P}", Phrasing.possessive(s));
      }
      if (text.contains("{VERB}")) {
        // "I strongly prefer stories and dislike textbooks": the user's verbs, all conjugated.
        String adverbs = group(m, "adv") == null ? "" : group(m, "adv");
        text =
            text.replace("{VERB}", adverbs + Phrasing.conjugate(m.group("verb")))
                .replace(v, Phrasing.coordinated(v));
      }
      return text;
    };
  }

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
    String v = clause(group(m, "v"));
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
        rule(
            "(?:my name is|my name's|call me|i go by) (?<v>(?-i:\\p{Lu})[\\p{L}'-]+(?: (?-i:\\p{Lu})[\\p{L}'-]+)?)",
            Category.IDENTITY,
            "name",
            0.9,
            says("{P} name is {V}")),
        rule(
            "(?:hi|hello|hey)(?: there| all| everyone)?[,!.]*\\s+(?:i'm|i am|this is) (?<v>(?-i:\\p{Lu})[\\p{L}'-]+)(?=$|[,.!;]|\\s+(?:and|here)\\b)",
            Category.IDENTITY,
            "name",
            0.85,
            says("{P} name is {V}")),
        rule(
            "(?:i'm|i am) (?<v>\\d{1,3}) (?:years? old|yo)\\b",
            Category.IDENTITY,
            "age",
            0.8,
            says("{S} is {V} years old")),
        rule(
            "my pronouns are (?<v>[\\p{L}/ ]{2,30})",
            Category.IDENTITY,
            "pronouns",
            0.9,
            says("{P} pronouns are {V}")),
        // Role and expertise
        rule(
            "i (?:work|am working|'m working) as (?<v>(?:an? |the )?[^.;!?,]{2,60})",
            Category.ROLE,
            "role",
            0.85,
            says("{S} works as {V}")),
        rule(
            "(?:i'm|i am) (?:now |currently )?(?:an? |the )(?<v>"
                + OCCUPATION
                + "(?: at [^.;!?,]{2,40})?)\\b",
            Category.ROLE,
            "role",
            0.75,
            says("{S} is a {V}")),
        rule(
            "i (?:work|am working|'m working|am employed|'m employed) (?:at|for) (?<v>[^.;!?,]{2,50})",
            Category.ROLE,
            "employer",
            0.8,
            says("{S} works at {V}")),
        rule(
            "(?:i'm|i am) (?:a |an )?(?:complete |total |relative |bit of a |fairly )?(?:beginner|newbie|novice|new) (?:to|in|at|with) {V}",
            Category.EXPERTISE,
            null,
            0.8,
            says("{S} is new to {V}")),
        rule(
            "(?:i'm|i am) (?:an? )?(?:expert|experienced|proficient|advanced|skilled|fluent|very good|pretty good) (?:in|at|with) {V}",
            Category.EXPERTISE,
            null,
            0.8,
            says("{S} is experienced in {V}")),
        rule(
            "(?:i've|i have) been (?<verb>doing|working with|working in|working on|using|coding in|programming in|practicing|practising|playing|teaching|studying|painting|writing) (?<v>[^.;!?,]{2,40}?) for (?<k>[^.;!?,]{2,30})",
            Category.EXPERTISE,
            null,
            0.75,
            (m, s) -> {
              String v = clause(group(m, "v"));
              String k = clause(group(m, "k"));
              return v == null || k == null
                  ? null
                  : s + " has been " + m.group("verb") + " " + v + " for " + k;
            }),
        // Location and language
        replacing(
            "i (?:just |recently |finally )?(?:moved|relocated) (?:from (?<r>(?-i:\\p{Lu})[^.;!?,]{1,40}?) )?to (?<v>(?-i:\\p{Lu})[^.;!?,]{1,40})",
            Category.LOCATION,
            "location",
            0.85,
            says("{S} moved to {V}")),
        rule(
            "i (?:live|am living|'m living|reside|stay) in (?<v>[^.;!?,]{2,50})",
            Category.LOCATION,
            "location",
            0.85,
            says("{S} lives in {V}")),
        rule(
            "(?:i'm|i am) (?:currently )?(?:based|located|living) in (?<v>[^.;!?,]{2,50})",
            Category.LOCATION,
            "location",
            0.85,
            says("{S} lives in {V}")),
        rule(
            "(?:i'm|i am|i come) (?:originally )?from (?<v>(?-i:\\p{Lu})[^.;!?,]{1,40})",
            Category.LOCATION,
            "origin",
            0.8,
            says("{S} is from {V}")),
        rule(
            "(?:my native language is|my first language is|my mother tongue is) (?<v>(?-i:\\p{Lu})\\p{L}+)",
            Category.LANGUAGE,
            "native_language",
            0.9,
            says("{P} native language is {V}")),
        rule(
            "i (?:speak|am fluent in|'m fluent in) (?<v>(?-i:\\p{Lu})\\p{L}+(?:(?:,| and| or) (?-i:\\p{Lu})\\p{L}+)*)",
            Category.LANGUAGE,
            null,
            0.8,
            says("{S} speaks {V}")),
        rule(
            "please (?:always )?(?:answer|reply|respond|write|talk)(?: to me)? in (?<v>(?-i:\\p{Lu})\\p{L}+)",
            Category.LANGUAGE,
            "answer_language",
            0.85,
            says("{S} wants answers in {V}")),
        // Communication style
        rule(
            "(?:please )?(?:keep (?:it|things|answers|your answers|responses|replies) |be |give me |i (?:prefer|like|want|need) )(?<v>(?:short|brief|concise|detailed|thorough|in-depth|step[- ]by[- ]step|simple|technical|casual|formal|plain)\\b[^.;!?,]{0,40})",
            Category.COMMUNICATION_STYLE,
            "answer_style",
            0.8,
            ExtractionRules::answerStyle),
        rule(
            "(?:no|avoid|please avoid|don't use|do not use|please don't use) (?<v>jargon|emojis?|bullet points|technical terms|long answers|small talk|code samples|acronyms)\\b",
            Category.COMMUNICATION_STYLE,
            null,
            0.75,
            says("{S} wants no {V}")),
        rule(
            "explain (?:things |it |everything )?(?:to me )?like i'm (?<v>[^.;!?,]{2,30})",
            Category.COMMUNICATION_STYLE,
            null,
            0.75,
            says("{S} wants explanations pitched like they're {V}")),
        // Aversions before preferences: "I don't like" must not read as "like".
        rule(
            "i "
                + ADV
                + "(?:don't|do not|never|no longer|can't|cannot) (?:really )?(?:like|love|enjoy|eat|drink|want|use|stand) {V}",
            Category.AVERSION,
            null,
            0.75,
            says("{S} does not like {V}")),
        rule(
            "i " + ADV + "(?:hate|dislike|detest|loathe|avoid) {V}",
            Category.AVERSION,
            null,
            0.8,
            says("{S} dislikes {V}")),
        rule(
            "(?:i'm|i am) (?:not a|no) (?:big |huge )?fan of {V}",
            Category.AVERSION,
            null,
            0.75,
            says("{S} is not a fan of {V}")),
        // Something that no longer holds: it replaces what was known, and says so.
        replacing(
            "(?:i'm|i am) (?:no longer|not) (?:a |an )?(?<r>vegan|vegetarian|pescatarian|lactose intolerant|gluten[- ]free|diabetic|sober|pregnant)(?: any ?more)?\\b",
            Category.CONSTRAINT,
            null,
            0.85,
            (m, s) -> s + " is no longer " + m.group("r").toLowerCase(Locale.ROOT)),
        replacing(
            "i (?:no longer|don't|do not) (?:work) (?:at|for) (?<r>[^.;!?,]{2,50}?)(?: any ?more)?(?=$|[,.;!?]|\\s+(?:and|but|since|because)\\b)",
            Category.ROLE,
            null,
            0.8,
            (m, s) -> {
              String r = clause(group(m, "r"));
              return r == null ? null : s + " no longer works at " + r;
            }),
        replacing(
            "i (?:no longer|don't|do not) (?:live) in (?<r>[^.;!?,]{2,50}?)(?: any ?more)?(?=$|[,.;!?]|\\s+(?:and|but|since|because)\\b)",
            Category.LOCATION,
            null,
            0.8,
            (m, s) -> {
              String r = clause(group(m, "r"));
              return r == null ? null : s + " no longer lives in " + r;
            }),
        // Tools
        replacing(
            "i (?:just |recently |finally )?(?:switched|moved|migrated|changed|went) from (?<r>[^.;!?,]{1,30}?) to (?<v>[^.;!?,]{1,40})",
            Category.TOOL,
            null,
            0.85,
            says("{S} switched from {R} to {V}")),
        rule(
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
            says("{S} writes code in {V}")),
        rule(
            "i "
                + ADV
                + "(?:use|am using|'m using|code in|program in|write code in|develop in|build with|build in|work with|work in) {V}",
            Category.TOOL,
            null,
            0.7,
            says("{S} uses {V}")),
        // Preferences
        rule(
            "my (?:all[- ]time )?favou?rite (?<k>[\\p{L} ]{2,30}?) (?:is|are|has to be|would be) {V}",
            Category.PREFERENCE,
            "favorite_",
            0.85,
            says("{P} favorite {K} is {V}")),
        rule(
            "i (?<adv>"
                + ADV
                + ")(?<verb>like|love|enjoy|adore|prefer|appreciate|cherish|treasure) {V}",
            Category.PREFERENCE,
            null,
            0.75,
            says("{S} {VERB} {V}")),
        rule(
            "(?:i'm|i am) (?:a )?(?:big |huge |massive )?fan of {V}",
            Category.PREFERENCE,
            null,
            0.8,
            says("{S} is a fan of {V}")),
        rule(
            "(?:i'm|i am) (?:really |very |so )?(?:passionate about|into|obsessed with|interested in|keen on|excited about) {V}",
            Category.PREFERENCE,
            null,
            0.7,
            says("{S} is into {V}")),
        // Constraints
        rule(
            "(?:i'm|i am) allergic to {V}",
            Category.CONSTRAINT,
            null,
            0.9,
            says("{S} is allergic to {V}")),
        rule(
            "(?:i'm|i am) (?<v>vegan|vegetarian|pescatarian|lactose intolerant|gluten[- ]free|diabetic|colou?r ?blind|deaf|blind|sober|pregnant)\\b",
            Category.CONSTRAINT,
            null,
            0.85,
            says("{S} is {V}")),
        rule(
            "(?:i need|i have|i've got|i must) to (?<v>[^.;!?,]{2,60}?) (?:by|before) (?<k>[^.;!?,]{2,30})",
            Category.CONSTRAINT,
            null,
            0.75,
            (m, s) -> {
              String v = clause(group(m, "v"));
              String k = clause(group(m, "k"));
              return v == null || k == null ? null : s + " needs to " + v + " by " + k;
            }),
        rule("my budget is {V}", Category.CONSTRAINT, "budget", 0.85, says("{P} budget is {V}")),
        rule(
            "i (?:can't|cannot|can not|am not allowed to|'m not allowed to) (?!wait\\b|believe\\b|imagine\\b|thank\\b){V}",
            Category.CONSTRAINT,
            null,
            0.65,
            says("{S} cannot {V}")),
        // Goals
        rule(
            "my (?:main |big |ultimate )?(?:goal|dream|plan|aim) is (?:to )?{V}",
            Category.GOAL,
            null,
            0.8,
            says("{P} goal is to {V}")),
        rule(
            "(?:i'm|i am) (?<verb>trying|planning|hoping|aiming|going|looking|working hard|saving up) (?:to|for) {V}",
            Category.GOAL,
            null,
            0.7,
            (m, s) -> {
              String v = clause(group(m, "v"));
              return v == null ? null : s + " is " + m.group("verb") + " to " + v;
            }),
        rule(
            "i (?:really )?(?<verb>want|plan|hope|intend|aim|would love|'d love|would like|'d like|wish|dream) to {V}",
            Category.GOAL,
            null,
            0.7,
            (m, s) -> {
              String v = clause(group(m, "v"));
              String verb = m.group("verb").replace("'d", "would");
              return v == null
                  ? null
                  : s
                      + " "
                      + (verb.startsWith("would") ? verb : Phrasing.conjugate(verb))
                      + " to "
                      + v;
            }),
        rule(
            "(?:i'm|i am) (?:currently |now )?(?<verb>learning|studying|working on|building|writing|training for|preparing for|researching) {V}",
            Category.GOAL,
            null,
            0.7,
            (m, s) -> {
              String v = clause(group(m, "v"));
              return v == null ? null : s + " is " + m.group("verb") + " " + v;
            }),
        // People and pets
        rule(
            "my (?<k>wife|husband|partner|spouse|fianc[ée]e?|boyfriend|girlfriend|son|daughter|kids?|children|baby|mom|mum|mother|dad|father|sister|brother|sibling|parents|family|grandma|grandmother|grandpa|grandfather|aunt|uncle|cousin|friend|best friend|friends|roommate|boss|colleague|coworker|dog|cat|pet|puppy|kitten)(?:'s name)? (?<v>(?:is|are|was|were|has|have|had|loves?|likes?|named|called|just|recently|got|turned|started)\\b[^.;!?]{1,90})",
            Category.RELATIONSHIP,
            null,
            0.75,
            (m, s) -> {
              String v = clause(group(m, "v"));
              return v == null ? null : Phrasing.possessive(s) + " " + m.group("k") + " " + v;
            }),
        rule(
            "i have (?<v>(?:a |an |one |two |three |four |five |\\d+ )(?:[\\p{L}-]+ )?(?:kids?|children|sons?|daughters?|dogs?|cats?|brothers?|sisters?|siblings?|pets?|grandchildren|puppies|kittens)\\b[^.;!?]{0,40})",
            Category.RELATIONSHIP,
            null,
            0.8,
            says("{S} has {V}")),
        rule(
            "(?:i'm|i am) (?<v>married|single|divorced|engaged|widowed|a (?:mom|mum|dad|mother|father|parent|grandparent|grandmother|grandfather)(?: of [^.;!?,]{2,30})?)\\b",
            Category.IDENTITY,
            null,
            0.8,
            says("{S} is {V}")),
        // Events
        rule(
            "i (?:just |recently |finally |also |actually |already |even )*(?<verb>went|visited|started|finished|joined|attended|adopted|bought|got|won|graduated|ran|completed|took|made|painted|wrote|read|saw|met|lost|signed up|volunteered|traveled|travelled|celebrated|received|launched|published|built|created|learned|learnt|tried|spent|had|gave|organized|organised|hosted|climbed|hiked|baked|cooked|performed|played|watched|moved|decided|became|quit|left|passed|applied|enrolled|donated|raised|planted|found|taught|helped|bought)\\b {V}",
            Category.EVENT,
            null,
            0.65,
            says("{S} {VERB} {V}")),
        rule(
            "(?:i've|i have) (?:just |recently |finally |already |also )*(?<verb>been|started|finished|joined|adopted|bought|got|gotten|won|completed|taken|made|painted|written|read|seen|met|lost|volunteered|traveled|travelled|learned|tried|decided|become|quit|passed|applied|enrolled|donated|raised|found|taught|helped|visited)\\b {V}",
            Category.EVENT,
            null,
            0.65,
            (m, s) -> {
              String v = clause(group(m, "v"));
              return v == null ? null : s + " has " + m.group("verb") + " " + v;
            }));
  }
}
