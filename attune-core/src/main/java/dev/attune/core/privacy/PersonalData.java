package dev.attune.core.privacy;

import dev.attune.core.model.Detector;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data in text and redacts it. Detection runs before anything is stored: redacted
 * text is what episodes keep and what extractors (heuristic or a model) see. Patterns with a
 * checksum (cards: Luhn; IBANs: mod 97; SINs: Luhn) are verified, so that ordinary numbers are not
 * mistaken for them; telephone numbers need a country prefix, separators in a phone's shape, or a
 * word such as "call" or "phone" nearby. Thread-safe.
 */
public final class PersonalData {
  /** What was found: a kind and the span of text. */
  public record Finding(Detector detector, int start, int end) {}

  /** Redacted text and how many of each kind were redacted. */
  public record Redaction(String text, Map<Detector, Integer> counts) {
    public boolean changed() {
      return !counts.isEmpty();
    }
  }

  /**
   * One pattern of a detector.
   *
   * @param group the regex group that is the personal value (0: the whole match)
   * @param looksSecret true if the value must also look like a credential (letters with digits or
   *     symbols), for patterns whose keyword alone is weak ("the key is under the mat")
   */
  private record Rule(
      Detector detector, Pattern pattern, int group, boolean looksSecret, char needs) {
    Rule(Detector detector, Pattern pattern, int group) {
      this(detector, pattern, group, false, neededBy(detector));
    }

    Rule(Detector detector, Pattern pattern, int group, boolean looksSecret) {
      this(detector, pattern, group, looksSecret, neededBy(detector));
    }

    /** Whether the rule can match a text with or without digits, '@' and ':' (most need one). */
    boolean mayMatch(boolean digit, boolean at, boolean colon) {
      return switch (needs) {
        case DIGIT -> digit;
        case '@' -> at;
        case ':' -> colon;
        default -> true;
      };
    }
  }

  /** {@link Rule#needs}: any ASCII digit (what {@code \\d} matches). */
  private static final char DIGIT = '0';

  /**
   * What every match of a detector's patterns contains: a digit for numbers, ids, phones and
   * addresses; an '@' for e-mail. Chat text mostly has neither, and checking a few characters is
   * far cheaper than running two dozen patterns that cannot match (a third of observe's time).
   * Patterns that differ say so where they are made.
   */
  private static char neededBy(Detector d) {
    return switch (d) {
      case SECRET -> 0;
      case EMAIL -> '@';
      default -> DIGIT;
    };
  }

  private static final String STREET_SUFFIX =
      "(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace"
          + "|Parkway|Pkwy|Highway|Hwy|Square|Sq|Crescent|Close|Circle|Cir|Trail|Row|Mews|Gardens)";

  private static final List<Rule> RULES =
      List.of(
          // Secrets first: they often contain digits that look like other things.
          rule(
              Detector.SECRET,
              "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
          rule(
              Detector.SECRET,
              "\\b(?:sk|pk|rk)[-_](?:live|test|proj|ant|or)?[-_]?[A-Za-z0-9_-]{16,}"),
          rule(Detector.SECRET, "\\bAKIA[0-9A-Z]{16}\\b"),
          rule(Detector.SECRET, "\\bgh[pousr]_[A-Za-z0-9]{30,}\\b"),
          rule(Detector.SECRET, "\\bgithub_pat_[A-Za-z0-9_]{30,}\\b"),
          rule(Detector.SECRET, "\\bxox[abprs]-[A-Za-z0-9-]{10,}"),
          rule(Detector.SECRET, "\\bAIza[0-9A-Za-z_-]{35}\\b"),
          rule(Detector.SECRET, "\\bglpat-[A-Za-z0-9_-]{20,}"),
          rule(Detector.SECRET, "\\batn_key_[0-9a-f]+_[A-Za-z0-9_-]+"),
          rule(Detector.SECRET, "\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
          rule(Detector.SECRET, "(?i)\\bbearer\\s+[A-Za-z0-9._~+/-]{16,}=*"),
          new Rule(
              Detector.SECRET,
              Pattern.compile(
                  "(?i)\\b(?:password|passwd|pwd|passcode|passphrase|pin(?:\\s*code)?|secret|api[\\s_-]?key"
                      + "|access[\\s_-]?key|auth[\\s_-]?token|token|private[\\s_-]?key)\\b\\s*(?:is|was|:|=|->)\\s*"
                      + "[\"'`]?([^\\s\"'`,;]{4,})"),
              1),
          new Rule(
              Detector.SECRET,
              Pattern.compile(
                  "(?i)\\b(?:password|passwd|pwd|passcode|secret|key|token|credentials?)\\b\\s*(?:is|was|:|=|->)?\\s*"
                      + "[\"'`]?([^\\s\"'`,;]{8,})"),
              1,
              true),
          // Numbers with checksums.
          rule(Detector.PAYMENT_CARD, "(?<![\\d-])(?:\\d[ -]?){12,18}\\d(?![\\d-])"),
          rule(Detector.IBAN, "\\b[A-Z]{2}\\d{2}(?:[ ]?[A-Z0-9]){11,30}\\b"),
          // National ids.
          rule(Detector.NATIONAL_ID, "\\b(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}\\b"),
          new Rule(
              Detector.NATIONAL_ID,
              Pattern.compile(
                  "(?i)\\b(?:ssn|social security(?: number)?)\\D{0,12}(\\d{3}[ -]?\\d{2}[ -]?\\d{4})\\b"),
              1),
          rule(
              Detector.NATIONAL_ID,
              "\\b[A-CEGHJ-PR-TW-Z]{2}\\s?\\d{2}\\s?\\d{2}\\s?\\d{2}\\s?[A-D]\\b"),
          rule(Detector.NATIONAL_ID, "\\b\\d{3}[ -]\\d{3}[ -]\\d{3}\\b"),
          rule(Detector.NATIONAL_ID, "\\b[XYZ]?\\d{7,8}-?[TRWAGMYFPDXBNJZSQVHLCKE]\\b"),
          rule(Detector.NATIONAL_ID, "(?i)\\b[A-Z]{6}\\d{2}[A-EHLMPR-T]\\d{2}[A-Z]\\d{3}[A-Z]\\b"),
          new Rule(
              Detector.NATIONAL_ID,
              Pattern.compile(
                  "(?i)\\b(?:passport|national id|id card|identity card|driver'?s licen[cs]e|licen[cs]e)"
                      + "(?:\\s+(?:number|no\\.?|#))?\\s*(?:is|:|=)?\\s*([A-Z0-9][A-Z0-9-]{5,14})\\b"),
              1,
              false,
              (char) 0), // a passport number may be letters only
          rule(Detector.EMAIL, "(?<![\\w.+-])[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)*\\.[A-Za-z]{2,}"),
          rule(
              Detector.IP_ADDRESS,
              "(?<!\\d|\\d\\.)(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?!\\d|\\.\\d)"),
          new Rule( // IPv6: hexadecimal groups, perhaps no digit, always a colon
              Detector.IP_ADDRESS,
              Pattern.compile(
                  "(?i)(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,7}:|(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}"
                      + "|(?:[0-9a-f]{1,4}:){1,5}(?::[0-9a-f]{1,4}){1,2}|(?:[0-9a-f]{1,4}:){1,4}(?::[0-9a-f]{1,4}){1,3}"
                      + "|(?:[0-9a-f]{1,4}:){1,3}(?::[0-9a-f]{1,4}){1,4}|(?:[0-9a-f]{1,4}:){1,2}(?::[0-9a-f]{1,4}){1,5}"
                      + "|[0-9a-f]{1,4}:(?::[0-9a-f]{1,4}){1,6}|::(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})(?![0-9a-f:])"),
              0,
              false,
              ':'),
          rule(
              Detector.PHONE,
              "(?<![\\w+])(?:\\+|00)\\d{1,3}[\\s.-]?(?:\\(?\\d{1,4}\\)?[\\s.-]?){1,4}\\d{2,4}(?!\\w)"),
          rule(Detector.PHONE, "(?<![\\w])\\(?\\d{3}\\)?[\\s.-]\\d{3}[\\s.-]\\d{4}(?!\\w)"),
          rule(
              Detector.PHONE,
              "(?<![\\w])0\\d{1,4}[\\s./-]\\d{2,4}(?:[\\s./-]?\\d{2,4}){1,3}(?!\\w)"),
          new Rule(
              Detector.PHONE,
              Pattern.compile(
                  "(?i)\\b(?:call|phone|mobile|cell|tel|telephone|whatsapp|text|sms|fax|number)\\b[^\\d+]{0,20}"
                      + "((?:\\+|00)?\\d[\\d\\s().-]{5,18}\\d)"),
              1),
          // Addresses.
          rule(
              Detector.ADDRESS,
              "\\b\\d{1,5}[A-Za-z]?(?:\\s+[NSEW]\\.?)?(?:\\s+[A-Z][\\p{L}'.-]*){1,4}\\s+"
                  + STREET_SUFFIX
                  + "\\b\\.?(?:,?\\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|#)\\.?\\s*[A-Za-z0-9-]+)?"),
          rule(
              Detector.ADDRESS,
              "\\b\\p{Lu}[\\p{Ll}ß]+(?:straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|steig|laan|gracht|straat|vej|gatan|gata)\\s+\\d{1,4}\\s?[a-z]?\\b"),
          rule(
              Detector.ADDRESS,
              "\\b(?:Rue|Avenue|Boulevard|Bd|Calle|Carrer|Avenida|Av\\.|Via|Viale|Piazza|Rua|Travessa|Plaza|Paseo)\\s+"
                  + "(?:[\\p{L}'’-]+\\s+){0,4}[\\p{L}'’-]+,?\\s+(?:n[º°o]\\.?\\s*)?\\d{1,4}[a-z]?\\b"),
          rule(
              Detector.ADDRESS,
              "\\b\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s+(?:rue|avenue|boulevard|bd|allée|impasse|place|chemin|quai)\\s+(?:[\\p{L}'’-]+\\s?){1,5}"),
          rule(Detector.ADDRESS, "(?i)\\bP\\.?\\s?O\\.?\\s?Box\\s+\\d+\\b"),
          rule(Detector.ADDRESS, "\\b[A-Z]{1,2}\\d[A-Z\\d]?\\s\\d[A-Z]{2}\\b"),
          rule(Detector.ADDRESS, ",\\s+[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?\\b"),
          rule(
              Detector.ADDRESS, "\\b\\d{5}\\s+\\p{Lu}[\\p{Ll}ß]+(?:[\\s-]\\p{Lu}[\\p{Ll}ß]+)?\\b"));

  private static final Pattern DATE_LIKE =
      Pattern.compile(
          "^\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}$|^\\d{4}$|^(?:19|20)\\d{2}\\s*[-–]\\s*(?:19|20)\\d{2}$");

  private PersonalData() {}

  private static Rule rule(Detector d, String regex) {
    return new Rule(d, Pattern.compile(regex), 0);
  }

  /** The personal data of the enabled kinds in {@code text}, non-overlapping, in text order. */
  public static List<Finding> find(String text, Set<Detector> enabled) {
    List<Finding> all = new ArrayList<>();
    boolean digit = false;
    for (int i = 0; i < text.length() && !digit; i++) {
      digit = text.charAt(i) >= '0' && text.charAt(i) <= '9';
    }
    boolean at = text.indexOf('@') >= 0;
    boolean colon = text.indexOf(':') >= 0;
    for (Rule r : RULES) {
      if (!enabled.contains(r.detector()) || !r.mayMatch(digit, at, colon)) {
        continue;
      }
      Matcher m = r.pattern().matcher(text);
      while (m.find()) {
        int start = m.start(r.group());
        int end = m.end(r.group());
        if (start < 0) {
          continue;
        }
        if (r.detector() == Detector.IBAN) {
          // The pattern may run on into the next words; cut at spaces until the check passes.
          end = ibanEnd(text, start, end);
        }
        String value = text.substring(start, Math.max(start, end));
        if (end > start && valid(r.detector(), value) && (!r.looksSecret() || looksSecret(value))) {
          all.add(new Finding(r.detector(), start, end));
        }
      }
    }
    // Earlier rules win overlaps (secrets before numbers before phones); then longer spans.
    all.sort(Comparator.comparingInt(Finding::start).thenComparing(f -> -(f.end() - f.start())));
    List<Finding> kept = new ArrayList<>();
    for (Finding f : byPrecedence(all)) {
      boolean overlaps = kept.stream().anyMatch(k -> f.start() < k.end() && k.start() < f.end());
      if (!overlaps) {
        kept.add(f);
      }
    }
    kept.sort(Comparator.comparingInt(Finding::start));
    return kept;
  }

  private static List<Finding> byPrecedence(List<Finding> findings) {
    List<Finding> out = new ArrayList<>(findings);
    out.sort(
        Comparator.comparingInt((Finding f) -> f.detector().ordinal())
            .thenComparing(f -> -(f.end() - f.start())));
    return out;
  }

  /** {@code text} with the enabled kinds of personal data replaced by their placeholders. */
  public static Redaction redact(String text, Set<Detector> enabled) {
    List<Finding> findings = find(text, enabled);
    if (findings.isEmpty()) {
      return new Redaction(text, Map.of());
    }
    StringBuilder out = new StringBuilder(text.length());
    Map<Detector, Integer> counts = new EnumMap<>(Detector.class);
    int at = 0;
    for (Finding f : findings) {
      out.append(text, at, f.start()).append(f.detector().placeholder());
      at = f.end();
      counts.merge(f.detector(), 1, Integer::sum);
    }
    out.append(text, at, text.length());
    return new Redaction(out.toString(), counts);
  }

  /** True if {@code text} holds a redaction placeholder (it was built from redacted text). */
  public static boolean containsPlaceholder(String text) {
    for (Detector d : Detector.values()) {
      if (text.contains(d.placeholder())) {
        return true;
      }
    }
    return false;
  }

  private static boolean valid(Detector d, String s) {
    String digits = s.replaceAll("\\D", "");
    return switch (d) {
      case PAYMENT_CARD ->
          digits.length() >= 13 && digits.length() <= 19 && luhn(digits) && !sameDigit(digits);
      case IBAN -> iban(s);
      case NATIONAL_ID ->
          !s.matches("\\d{3}[ -]\\d{3}[ -]\\d{3}") || (luhn(digits) && !sameDigit(digits));
      case PHONE -> {
        int n = digits.length();
        yield n >= 7 && n <= 15 && !DATE_LIKE.matcher(s.strip()).matches() && !sameDigit(digits);
      }
      case IP_ADDRESS -> !s.matches("\\d+\\.\\d+\\.\\d+\\.\\d+") || !s.startsWith("0.");
      default -> true;
    };
  }

  /** The end of the longest valid IBAN starting at {@code start}, or -1. */
  private static int ibanEnd(String text, int start, int end) {
    while (end - start >= 15) {
      if (iban(text.substring(start, end))) {
        return end;
      }
      int space = text.lastIndexOf(' ', end - 1);
      if (space <= start) {
        return -1;
      }
      end = space;
    }
    return -1;
  }

  /**
   * Letters mixed with digits or with symbols such as {@code !#$_}, as credentials are; not an
   * ordinary (or hyphenated) word.
   */
  private static boolean looksSecret(String value) {
    boolean letter = false;
    boolean other = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isLetter(c)) {
        letter = true;
      } else if (Character.isDigit(c) || "!#$%^&*_+=~|<>?@".indexOf(c) >= 0) {
        other = true;
      }
    }
    return letter && other;
  }

  private static boolean sameDigit(String digits) {
    return digits.chars().distinct().count() == 1;
  }

  /** The Luhn checksum of payment cards and Canadian SINs. */
  static boolean luhn(String digits) {
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (doubled) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }

  /** The ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97. */
  static boolean iban(String raw) {
    String s = raw.replace(" ", "").toUpperCase(Locale.ROOT);
    if (s.length() < 15 || s.length() > 34) {
      return false;
    }
    String rearranged = s.substring(4) + s.substring(0, 4);
    StringBuilder digits = new StringBuilder();
    for (char c : rearranged.toCharArray()) {
      if (Character.isDigit(c)) {
        digits.append(c);
      } else if (c >= 'A' && c <= 'Z') {
        digits.append(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }
}
