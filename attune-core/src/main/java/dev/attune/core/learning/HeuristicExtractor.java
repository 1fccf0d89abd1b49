package dev.attune.core.learning;

import dev.attune.core.model.Category;
import dev.attune.core.model.Episode;
import dev.attune.core.model.Role;
import dev.attune.core.port.Candidate;
import dev.attune.core.port.ExtractionRequest;
import dev.attune.core.port.Extractor;
import dev.attune.core.privacy.InstructionDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The default, offline extractor: pattern rules over the user's own sentences that recognize
 * self-disclosure (name, role, expertise, preferences and aversions, tools, constraints,
 * communication style, location and language, goals, people, events) and phrase it as a
 * third-person fact with its category. Questions, conditionals and text that tries to instruct the
 * model are ignored. English only; an LLM extractor covers other languages. Thread-safe.
 */
public final class HeuristicExtractor implements Extractor {
  private static final int MAX_PER_SENTENCE = 3;
  private static final int MAX_VALUE_WORDS = 14;
  private static final Pattern SENTENCES = Pattern.compile("(?<=[.!?])\\s+|\\s*\\n+\\s*");
  private static final Pattern STARTS =
      Pattern.compile(
          "(?i)(?<![\\p{L}'])(i|i'm|i've|i'd|my|please|call|no|avoid|don't|keep|be|explain)(?![\\p{L}])");
  // A rule may start only where a clause starts: "the support I got" is not a statement.
  private static final Pattern CLAUSE_LEAD =
      Pattern.compile(
          "(?i)(^|[,;:(\u2014\u2013-]|\\b(and|but|so|because|since|then|also|plus|now|lately"
              + "|recently|yeah|yes|yep|oh|wow|well|honestly|actually|btw|anyway|hey|hi|ok|okay"
              + "|haha|lol|though"
              // A time said first: "Last Friday I went ...", "Yesterday I took ..."
              + "|yesterday|today|tonight|tomorrow|(last|this|next|every|on)\\s+\\p{L}+"
              + "|\\p{L}+\\s+ago|(a|one|two|few|couple of)\\s+(days|weeks|months|years)\\s+ago))$");
  private static final Pattern DANGLING =
      Pattern.compile(
          "(?i).*\\b(to|a|an|the|with|of|for|from|at|in|on|and|or|but|their|my|our|his|her|its"
              + "|some|this|that|these|those|is|was|are|be|been|have|has|had|just|so|very|really|by"
              + "|about|into|like)$");
  private static final Pattern BOUNDARY =
      Pattern.compile(
          "(?i)\\s+(but|because|though|although|which|whereas|while|since|so that|so i|and i|and i'm|"
              + "and my|when i|if|until|unless)\\b.*$|\\s+-\\s.*$|\\s*[;:(].*$");
  private static final Pattern TRAILING =
      Pattern.compile(
          "(?i)[\\s,]+(too|as well|a lot|so much|very much|really|lol|haha|though|tbh)$");
  private static final Set<String> VAGUE =
      Set.of("it", "that", "this", "them", "those", "these", "so", "too", "one", "you", "some");

  private final List<Rule> rules = rules();

  @Override
  public String id() {
    return "heuristic";
  }

  @Override
  public List<Candidate> extract(ExtractionRequest request) {
    List<Candidate> out = new ArrayList<>();
    String userName = request.userName();
    for (Episode e : request.messages()) {
      if (e.role() != Role.USER) {
        continue;
      }
      for (String sentence : SENTENCES.split(e.content())) {
        int before = out.size();
        extractSentence(sentence.strip(), subject(e, userName), e.messageId(), out);
        // A user who just told us their name is called by it in what follows.
        for (Candidate c : out.subList(before, out.size())) {
          if ("name".equals(c.slot()) && userName == null && e.speaker() == null) {
            userName = c.value();
          }
        }
      }
    }
    return out;
  }

  private static String subject(Episode e, @Nullable String userName) {
    if (e.speaker() != null && !e.speaker().isBlank()) {
      return e.speaker().strip();
    }
    return userName != null && !userName.isBlank() ? userName.strip() : "User";
  }

  private void extractSentence(
      String sentence, String subject, String messageId, List<Candidate> out) {
    if (sentence.length() < 4
        || sentence.endsWith("?")
        || sentence.regionMatches(true, 0, "if ", 0, 3)
        || InstructionDetector.looksLikeInstruction(sentence)) {
      return;
    }
    String text = sentence.replaceAll("[’‘]", "'").replaceAll("[!.]+$", "");
    Matcher starts = STARTS.matcher(text);
    int found = 0;
    int consumed = 0;
    while (starts.find() && found < MAX_PER_SENTENCE) {
      int at = starts.start();
      if (at < consumed || !CLAUSE_LEAD.matcher(text.substring(0, at).stripTrailing()).find()) {
        continue;
      }
      for (Rule rule : rules) {
        Matcher m = rule.pattern.matcher(text).region(at, text.length());
        if (!m.lookingAt()) {
          continue;
        }
        Candidate c = rule.candidate(m, subject, messageId);
        if (c != null) {
          out.add(c);
          found++;
          consumed = clauseEnd(m);
        }
        break;
      }
    }
    if (found == 0) {
      Candidate c = statement(text, subject, messageId);
      if (c != null) {
        out.add(c);
      }
    }
  }

  /**
   * Where the clause a rule used ends: its value is cut at "and", commas and the like, and what
   * follows may be another statement ("I moved to Porto and I'm allergic to peanuts").
   */
  private static int clauseEnd(Matcher m) {
    int start;
    try {
      start = m.start("v");
    } catch (IllegalArgumentException noValue) {
      return m.end();
    }
    String raw = start < 0 ? null : m.group("v");
    String v = clause(raw);
    if (raw == null || v == null) {
      return m.end();
    }
    return start + (raw.length() - raw.stripLeading().length()) + v.length();
  }

  private static final Pattern STATEMENT =
      Pattern.compile(
          "(?i)(?<![\\p{L}'])(i'm|i've|i'd|i'll|i|my|we're|we've|we|our)\\s+(?<rest>[^?]+)$");
  private static final Pattern SMALL_TALK =
      Pattern.compile(
          "(?i)^(think|guess|hope|wish|agree|bet|mean|see|understand|believe|suppose|wonder|know"
              + "|can't wait|cannot wait|appreciate|totally|definitely|really appreciate|get it"
              + "|hear you|glad|so glad|sure|so sure|sorry|so sorry|happy for|so happy for|proud of"
              + "|so proud|thankful|grateful|feel you|love that|like that|can imagine|can see)\\b.*");
  private static final int MIN_STATEMENT_TERMS = 4;
  private static final int MAX_STATEMENT_WORDS = 25;

  /**
   * The catch-all: a first-person statement no specific rule recognized ("I just signed up for a
   * pottery class yesterday") kept as a fact in the third person, when it says enough (four or more
   * content words), is not about the listener, and is not small talk ("I think so too").
   */
  private static @Nullable Candidate statement(String text, String subject, String messageId) {
    Matcher m = STATEMENT.matcher(text);
    while (m.find()) {
      int at = m.start();
      if (!CLAUSE_LEAD.matcher(text.substring(0, at).stripTrailing()).find()) {
        continue;
      }
      String lead = m.group(1).toLowerCase(Locale.ROOT);
      String rest = m.group("rest").strip();
      String[] words = rest.split("\\s+");
      if (words.length > MAX_STATEMENT_WORDS) {
        rest = String.join(" ", java.util.Arrays.copyOf(words, MAX_STATEMENT_WORDS));
      }
      rest = rest.replaceAll("[,;:\\s]+$", "");
      String lowerRest = rest.toLowerCase(Locale.ROOT);
      if (SMALL_TALK.matcher(lowerRest).matches()
          || lowerRest.matches(".*\\byou(r|rs|rself|'re|'ve|'ll|'d)?\\b.*")
          || DANGLING.matcher(lowerRest).matches()
          || dev.attune.core.retrieval.TextAnalyzer.english().terms(rest).size()
              < MIN_STATEMENT_TERMS) {
        return null;
      }
      String phrased;
      Category category = Category.FACT;
      switch (lead) {
        case "i'm" -> phrased = subject + " is " + rest;
        case "i've" -> phrased = subject + " has " + rest;
        case "i'd" -> phrased = subject + " would " + rest;
        case "i'll" -> phrased = subject + " will " + rest;
        case "my" -> phrased = Phrasing.possessive(subject) + " " + rest;
        case "i" -> {
          String[] parts = rest.split("\\s+", 2);
          int adverbs = 0;
          while (adverbs < parts.length - 1
              && ADVERBS.contains(parts[adverbs].toLowerCase(Locale.ROOT))) {
            adverbs++;
          }
          String[] all = rest.split("\\s+");
          int v = 0;
          while (v < all.length - 1 && ADVERBS.contains(all[v].toLowerCase(Locale.ROOT))) {
            v++;
          }
          String verb = Phrasing.conjugate(all[v]);
          if (!verb.equals(all[v].toLowerCase(Locale.ROOT)) || Phrasing.isPast(all[v])) {
            category = Phrasing.isPast(all[v]) ? Category.EVENT : Category.FACT;
          }
          all[v] = verb;
          phrased = subject + " " + String.join(" ", all);
        }
        default -> phrased = subject + ": " + m.group(1) + " " + rest;
      }
      return new Candidate(
          Phrasing.sentence(Phrasing.thirdPerson(phrased, subject)),
          category,
          null,
          null,
          null,
          0.5,
          List.of(messageId));
    }
    return aboutSelf(text, subject, messageId);
  }

  private static final Pattern SELF_LATER = Pattern.compile("(?i)(?<![\\p{L}'])(my|myself)\\b");

  /**
   * A statement about the user said the other way round, the user not its subject ("Pottery is a
   * huge part of my life", "This necklace is special to me"): kept, less confidently, under the
   * same conditions as the catch-all.
   */
  private static @Nullable Candidate aboutSelf(String text, String subject, String messageId) {
    if (!SELF_LATER.matcher(text).find()) {
      return null;
    }
    String[] words = text.strip().split("\\s+");
    String cut =
        words.length > MAX_STATEMENT_WORDS
            ? String.join(" ", java.util.Arrays.copyOf(words, MAX_STATEMENT_WORDS))
            : text.strip();
    cut = cut.replaceAll("[,;:\\s]+$", "");
    String lower = cut.toLowerCase(Locale.ROOT);
    if (SMALL_TALK.matcher(lower).matches()
        || lower.matches(".*\\byou(r|rs|rself|'re|'ve|'ll|'d)?\\b.*")
        || lower.matches("^(thanks|thank|glad|sorry|congrats|congratulations|wow|aw+|haha)\\b.*")
        || DANGLING.matcher(lower).matches()
        || dev.attune.core.retrieval.TextAnalyzer.english().terms(cut).size()
            < MIN_STATEMENT_TERMS) {
      return null;
    }
    // "special to me" reads better with the name than with "them".
    String named = cut.replaceAll("(?i)(?<![\\p{L}'])me\\b", Matcher.quoteReplacement(subject));
    return new Candidate(
        Phrasing.sentence(Phrasing.thirdPerson(named, subject)),
        Category.FACT,
        null,
        null,
        null,
        0.4,
        List.of(messageId));
  }

  private static final Set<String> ADVERBS =
      Set.of(
          "just",
          "recently",
          "finally",
          "also",
          "actually",
          "already",
          "even",
          "really",
          "still",
          "always",
          "never",
          "usually",
          "often",
          "sometimes",
          "totally",
          "definitely",
          "literally",
          "honestly",
          "now",
          "mostly",
          "kinda",
          "kind",
          "of",
          "sort",
          "absolutely",
          "truly",
          "once");

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
        || DANGLING.matcher(lower).matches()
        || lower.matches(".*\\byou(r|rs|rself)?\\b.*")) {
      return null;
    }
    return v;
  }

  // ---- rules ----

  /** Builds a fact's text from a match: null when the match carries nothing worth keeping. */
  @FunctionalInterface
  private interface Phrase {
    @Nullable String text(Matcher m, String subject);
  }

  private record Rule(
      Pattern pattern,
      Category category,
      @Nullable String slot,
      double confidence,
      Phrase phrase,
      @Nullable String valueGroup,
      boolean replaces) {

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
        text = text.replace("{VERB}", Phrasing.conjugate(m.group("verb")));
      }
      return text;
    };
  }

  private static final String ADV =
      "(?:really |truly |absolutely |also |just |still |actually |honestly |totally |kind of |kinda |mostly |mainly |usually |generally |always |definitely |so |do )*";
  private static final String OCCUPATION =
      "(?:software |senior |junior |lead |staff |principal |chief |head |full[- ]stack |front[- ]end |back[- ]end |data |machine learning |ml |devops |security |product |project |marketing |sales |graphic |ux |ui |web |mobile |registered |school |high school |music |art |yoga |personal |social |freelance |professional |research |civil |mechanical |electrical )*"
          + "(?:engineer|developer|programmer|designer|manager|scientist|analyst|teacher|nurse|doctor|"
          + "physician|student|researcher|writer|author|journalist|lawyer|attorney|consultant|architect|"
          + "artist|counselor|counsellor|therapist|psychologist|accountant|founder|co-founder|ceo|cto|cfo|"
          + "owner|administrator|officer|intern|professor|lecturer|chef|cook|photographer|musician|"
          + "painter|dancer|actor|actress|pilot|firefighter|police officer|mechanic|electrician|"
          + "plumber|carpenter|farmer|entrepreneur|freelancer|director|editor|librarian|pharmacist|"
          + "dentist|veterinarian|vet|coach|trainer|instructor|tutor|recruiter|salesperson|"
          + "assistant|technician|specialist|coordinator|volunteer|barista|cashier|clerk)s?";

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
            says("{S} prefers {V}")),
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
            "i " + ADV + "(?<verb>like|love|enjoy|adore|prefer|appreciate|cherish|treasure) {V}",
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
            "i (?:can't|cannot|can not|am not allowed to|'m not allowed to) {V}",
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
