package dev.attune.bench;

import java.util.List;
import java.util.Random;

/** Plausible, varied user facts, messages and queries for load, from a fixed seed. */
final class SyntheticData {
  private static final List<String> CITIES =
      List.of(
          "Lisbon", "Porto", "Berlin", "Oslo", "Nairobi", "Lagos", "Lima", "Quito", "Osaka",
          "Seoul", "Hanoi", "Austin", "Denver", "Toronto", "Dublin", "Krakow", "Tallinn", "Cairo",
          "Perth", "Cusco");
  private static final List<String> ACTIVITIES =
      List.of(
          "hiking",
          "surfing",
          "painting",
          "baking sourdough",
          "rock climbing",
          "chess",
          "cycling",
          "gardening",
          "pottery",
          "running marathons",
          "birdwatching",
          "jazz piano",
          "sailing",
          "yoga",
          "photography",
          "knitting",
          "salsa dancing",
          "woodworking",
          "board games",
          "kayaking");
  private static final List<String> TOOLS =
      List.of(
          "Python",
          "Go",
          "Rust",
          "Kotlin",
          "TypeScript",
          "PostgreSQL",
          "Kubernetes",
          "Terraform",
          "React",
          "Spark",
          "Airflow",
          "Redis",
          "Kafka",
          "Django",
          "Spring Boot",
          "Figma",
          "Excel",
          "Tableau",
          "dbt",
          "Snowflake");
  private static final List<String> FOODS =
      List.of(
          "ramen",
          "tacos",
          "pho",
          "sushi",
          "curry",
          "falafel",
          "pierogi",
          "ceviche",
          "dumplings",
          "paella",
          "pizza",
          "injera",
          "bibimbap",
          "moussaka",
          "pad thai");
  private static final List<String> PEOPLE =
      List.of(
          "sister",
          "brother",
          "daughter",
          "son",
          "partner",
          "best friend",
          "mother",
          "father",
          "manager",
          "teammate");
  private static final List<String> TOPICS =
      List.of(
          "the quarterly report",
          "the data migration",
          "a conference talk",
          "the onboarding docs",
          "the budget review",
          "the product launch",
          "a job interview",
          "the API redesign",
          "the marketing plan",
          "a grant application");
  private static final List<String> TEMPLATES =
      List.of(
          "User lives in %c.",
          "User enjoys %a on weekends.",
          "User works with %t every day.",
          "User is allergic to %f.",
          "User's favorite food is %f.",
          "User visited %c with their %p last %m.",
          "User is preparing %o for %m.",
          "User prefers short answers about %t.",
          "User's %p is learning %a.",
          "User dislikes %f and %a.",
          "User switched from %t to %t last year.",
          "User wants to get better at %a by %m.",
          "User went to a %t meetup in %c.",
          "User is writing %o with their %p.",
          "User plans a trip to %c in %m to try %f.");
  private static final List<String> MONTHS =
      List.of(
          "January",
          "February",
          "March",
          "April",
          "May",
          "June",
          "July",
          "August",
          "September",
          "October",
          "November",
          "December");
  private static final List<String> MESSAGE_TEMPLATES =
      List.of(
          "I live in %c these days.",
          "I really love %a, I do it every weekend.",
          "I mostly use %t at work.",
          "Can you help me with %o?",
          "My %p is visiting me in %c next %m.",
          "I'm allergic to %f, so please keep that in mind.",
          "I went to %c for a conference about %t.",
          "Thanks, that was helpful!",
          "What do you think about %t versus %t?",
          "I'm trying to finish %o by %m.",
          "I switched from %t to %t recently.",
          "My favorite food is %f.");
  private static final List<String> QUERIES =
      List.of(
          "Recommend something to do in %c this %m",
          "How should I set up %t for %o?",
          "Plan a dinner with %f for my %p",
          "Any tips to improve at %a?",
          "Write a short update about %o for my %p",
          "Which is better for %o, %t or %t?",
          "What should I pack for %c in %m?");

  private final Random random;

  SyntheticData(long seed) {
    this.random = new Random(seed);
  }

  String fact() {
    return fill(pick(TEMPLATES));
  }

  String message() {
    return fill(pick(MESSAGE_TEMPLATES));
  }

  /** A query that is almost never repeated, so the query-embedding cache does not flatter. */
  String query() {
    return fill(pick(QUERIES)) + ". " + fill(pick(QUERIES)) + "?";
  }

  float[] unitVector(int dims) {
    float[] v = new float[dims];
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dims; i++) {
      v[i] *= inv;
    }
    return v;
  }

  Random random() {
    return random;
  }

  private String fill(String template) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '%' && i + 1 < template.length()) {
        char k = template.charAt(++i);
        out.append(
            switch (k) {
              case 'c' -> pick(CITIES);
              case 'a' -> pick(ACTIVITIES);
              case 't' -> pick(TOOLS);
              case 'f' -> pick(FOODS);
              case 'p' -> pick(PEOPLE);
              case 'o' -> pick(TOPICS);
              case 'm' -> pick(MONTHS);
              default -> "%" + k;
            });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private String pick(List<String> options) {
    return options.get(random.nextInt(options.size()));
  }
}
