package dev.attune.core.learning;

import dev.attune.core.model.Episode;
import dev.attune.core.model.Role;
import dev.attune.core.port.Candidate;
import dev.attune.core.port.ExtractionRequest;
import dev.attune.core.port.Extractor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The default, offline extractor. From each of the user's own messages it reads only the sentences
 * that may say something about the user ({@link Sentences}: no code, pasted or quoted text,
 * questions or requests), applies the specific rules ({@link ExtractionRules}: name, role,
 * expertise, preferences and aversions, tools, constraints, communication style, location and
 * language, goals, people, events), and where none matches keeps a definite first-person statement
 * ({@link FirstPersonStatement}). Facts are phrased in the third person with their category.
 * English only; a chat-model extractor covers other languages. Thread-safe.
 */
public final class HeuristicExtractor implements Extractor {
  private static final int MAX_PER_SENTENCE = 3;
  private static final Pattern STARTS =
      Pattern.compile(
          "(?i)(?<![\\p{L}'])(i|i'm|i've|i'd|my|please|call|no|avoid|don't|keep|be|explain|hi"
              + "|hello|hey)(?![\\p{L}])");
  // A rule may start only where a clause starts: "the support I got" is not a statement.
  private static final Pattern CLAUSE_LEAD =
      Pattern.compile(
          "(?i)(^|[,;:(\u2014\u2013-]|\\b(and|but|so|because|since|then|also|plus|now|lately"
              + "|recently|yeah|yes|yep|oh|wow|well|honestly|actually|btw|anyway|hey|hi|ok|okay"
              + "|haha|lol|though|these days|nowadays|currently"
              // A time said first: "Last Friday I went ...", "Yesterday I took ..."
              + "|yesterday|today|tonight|tomorrow|(last|this|next|every|on)\\s+(?!time\\b)\\p{L}+"
              + "|\\p{L}+\\s+ago|(a|one|two|few|couple of)\\s+(days|weeks|months|years)\\s+ago))$");

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
      for (Sentences.Sentence sentence : Sentences.of(e.content())) {
        int before = out.size();
        extractSentence(sentence, subject(e, userName), e.messageId(), out);
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

  private static void extractSentence(
      Sentences.Sentence sentence, String subject, String messageId, List<Candidate> out) {
    String text = sentence.text().replaceAll("[!.]+$", "");
    Matcher starts = STARTS.matcher(text);
    int found = 0;
    int consumed = 0;
    while (starts.find() && found < MAX_PER_SENTENCE) {
      int at = starts.start();
      if (at < consumed || !atClauseStart(text, at)) {
        continue;
      }
      for (Rule rule : ExtractionRules.ALL) {
        if (sentence.request() && !rule.aboutAnswers()) {
          continue;
        }
        Matcher m = rule.pattern().matcher(text).region(at, text.length());
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
    if (found == 0 && !sentence.request()) {
      Candidate c =
          FirstPersonStatement.find(text, subject, messageId, at -> atClauseStart(text, at));
      if (c != null) {
        out.add(c);
      }
    }
  }

  private static boolean atClauseStart(String text, int at) {
    return CLAUSE_LEAD.matcher(text.substring(0, at).stripTrailing()).find();
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
    String v = Rule.clause(raw);
    if (raw == null || v == null) {
      return m.end();
    }
    return start + (raw.length() - raw.stripLeading().length()) + v.length();
  }
}
