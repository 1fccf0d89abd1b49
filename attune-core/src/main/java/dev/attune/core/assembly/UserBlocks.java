package dev.attune.core.assembly;

import dev.attune.core.api.ContextItem;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.learning.Compressor;
import dev.attune.core.model.BlockType;
import dev.attune.core.model.Category;
import dev.attune.core.model.Episode;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.Memory;
import dev.attune.core.model.Message;
import dev.attune.core.model.SourceRef;
import dev.attune.core.model.UserProfile;
import dev.attune.core.retrieval.DecayPolicy;
import dev.attune.core.retrieval.Hit;
import dev.attune.core.retrieval.Passages;
import dev.attune.core.retrieval.Retriever;
import dev.attune.core.retrieval.WorkingSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/** The user-specific candidates of one request, block by block. */
final class UserBlocks {
  private final Lines lines;
  private final AssemblyPolicy policy;
  private final DecayPolicy decay;
  private final WorkingSet ws;
  private final ContextRequest request;
  private final List<Hit> memoryHits = new ArrayList<>();
  private final List<Hit> episodeHits = new ArrayList<>();
  private final boolean hasQuery;
  private final Instant now;
  private final Set<String> sessionIds = new HashSet<>();
  private final ToIntFunction<EnumMap<BlockType, List<Cand>>> demand;

  /**
   * @param demand the tokens every candidate of some blocks would take (to tell when the budget is
   *     tight)
   */
  UserBlocks(
      Lines lines,
      AssemblyPolicy policy,
      DecayPolicy decay,
      WorkingSet ws,
      ContextRequest request,
      List<Hit> hits,
      Instant now,
      ToIntFunction<EnumMap<BlockType, List<Cand>>> demand) {
    this.lines = lines;
    this.policy = policy;
    this.decay = decay;
    this.now = now;
    this.ws = ws;
    this.request = request;
    this.hasQuery = request.query() != null;
    this.demand = demand;
    for (Hit hit : hits) {
      (hit.memory() != null ? memoryHits : episodeHits).add(hit);
    }
  }

  private boolean admits(Memory m) {
    if (!request.categories().isEmpty() && !request.categories().contains(m.category())) {
      return false;
    }
    if (decay.isDormant(m, now) || Compressor.isSummary(m)) {
      // Summaries are not items of their own: they stand in for their members when tight.
      return false;
    }
    return Retriever.inRange(m.validFrom(), request.from(), request.to());
  }

  List<Cand> profile() {
    List<Cand> out = new ArrayList<>();
    if (ws.user() != null) {
      UserProfile p = ws.user().profile();
      addField(out, "profile.name", "Name", p.name());
      addField(out, "profile.role", "Role", p.role());
      addField(out, "profile.expertise", "Expertise", p.expertise());
      for (Map.Entry<String, String> a : p.attributes().entrySet()) {
        String line =
            "- Attribute "
                + Inert.quote(a.getKey())
                + ": "
                + Inert.quote(lines.clip(a.getValue()))
                + "\n";
        out.add(
            lines.fixed(
                "profile.attributes." + a.getKey(),
                ItemKind.PROFILE,
                a.getKey() + ": " + a.getValue(),
                line,
                out.size()));
      }
    }
    addMemories(out, Category::isProfile);
    return out;
  }

  List<Cand> preferences() {
    List<Cand> out = new ArrayList<>();
    if (ws.user() != null) {
      UserProfile p = ws.user().profile();
      addField(out, "profile.communication_style", "Communication style", p.communicationStyle());
      addField(out, "profile.language", "Language", p.language());
      List<String> prefs = p.preferences();
      for (int i = 0; i < prefs.size(); i++) {
        addField(out, "profile.preferences[" + i + "]", "Preference", prefs.get(i));
      }
    }
    addMemories(out, Category::isPreference);
    return out;
  }

  private void addField(List<Cand> out, String id, String label, @Nullable String value) {
    if (value != null) {
      out.add(lines.labelled(id, ItemKind.PROFILE, label, value, out.size()));
    }
  }

  /**
   * Memories of a block: retrieved ones first, by score; then the ones shown for every request (see
   * {@link #alwaysShown}) by confidence and recency; at most {@code maxBlockItems}. Without a
   * query, every memory of the block is shown by confidence and recency.
   */
  private void addMemories(List<Cand> out, Predicate<Category> inBlock) {
    List<Memory> memories = ws.memories();
    boolean[] taken = new boolean[memories.size()];
    int cap = out.size() + policy.maxBlockItems();
    // A memory's document number is its index in ws.memories().
    for (Hit hit : memoryHits) {
      Memory m = memories.get(hit.doc());
      if (out.size() < cap && inBlock.test(m.category()) && admits(m)) {
        taken[hit.doc()] = true;
        out.add(memoryCand(hit.doc(), m, hit.score(), out.size()));
      }
    }
    for (int i : ws.memoriesByConfidence()) {
      if (out.size() >= cap) {
        break;
      }
      Memory m = memories.get(i);
      if (!taken[i] && inBlock.test(m.category()) && admits(m) && (!hasQuery || alwaysShown(m))) {
        out.add(memoryCand(ws.memoryDoc(i), m, 0, out.size()));
      }
    }
  }

  List<Cand> memories() {
    List<Cand> out = new ArrayList<>();
    List<Memory> memories = ws.memories();
    Predicate<Category> isFact = c -> !c.isProfile() && !c.isPreference();
    if (hasQuery) {
      for (Hit hit : memoryHits) {
        Memory m = memories.get(hit.doc());
        if (out.size() < policy.maxBlockItems() && isFact.test(m.category()) && admits(m)) {
          out.add(memoryCand(hit.doc(), m, hit.score(), out.size()));
        }
      }
      return out;
    }
    return mostConfidentFacts();
  }

  /**
   * Without relevance (no query, or a request that ran out of time): the most confident, most
   * recently confirmed facts.
   */
  List<Cand> mostConfidentFacts() {
    List<Cand> out = new ArrayList<>();
    List<Memory> memories = ws.memories();
    Predicate<Category> isFact = c -> !c.isProfile() && !c.isPreference();
    int cap = Math.min(policy.queryFreeFacts(), policy.maxBlockItems());
    for (int i : ws.memoriesByConfidence()) {
      if (out.size() >= cap) {
        break;
      }
      Memory m = memories.get(i);
      if (isFact.test(m.category()) && admits(m)) {
        out.add(memoryCand(ws.memoryDoc(i), m, 0, out.size()));
      }
    }
    return out;
  }

  /**
   * When everything would not fit, a category's summary replaces its memories shown for every
   * request (those that are not retrieval hits) in each block where two or more of them compete for
   * the budget. Retrieval hits stay: they answer the query; the summary gives the picture.
   */
  void summarizeIfTight(EnumMap<BlockType, List<Cand>> blocks, int budget) {
    if (demand.applyAsInt(blocks) <= budget) {
      return;
    }
    List<Memory> memories = ws.memories();
    for (int i = 0; i < memories.size(); i++) {
      Memory summary = memories.get(i);
      if (!Compressor.isSummary(summary)
          || !summary.isActive()
          || decay.isDormant(summary, now)
          || (!request.categories().isEmpty()
              && !request.categories().contains(summary.category()))) {
        continue;
      }
      for (Map.Entry<BlockType, List<Cand>> e : blocks.entrySet()) {
        List<Cand> cands = e.getValue();
        int first = -1;
        int members = 0;
        for (int j = 0; j < cands.size(); j++) {
          if (isMember(cands.get(j).item, summary)) {
            first = first < 0 ? j : first;
            members++;
          }
        }
        if (members < 2) {
          continue;
        }
        List<Cand> replaced = new ArrayList<>(cands.size() - members + 1);
        for (int j = 0; j < cands.size(); j++) {
          if (j == first) {
            replaced.add(memoryCand(ws.memoryDoc(i), summary, 0, cands.get(j).renderKey));
          } else if (!isMember(cands.get(j).item, summary)) {
            replaced.add(cands.get(j));
          }
        }
        e.setValue(replaced);
      }
    }
  }

  /** A memory of the summary's category that is shown for every request, not a hit. */
  private static boolean isMember(ContextItem item, Memory summary) {
    return item.kind() == ItemKind.FACT
        && item.category() == summary.category()
        && item.score() == 0;
  }

  private Cand memoryCand(int doc, Memory m, double score, long rank) {
    Lines.Rendered r =
        ws.memo(
            doc,
            d ->
                lines.line(
                    "- ["
                        + Lines.DATE.format(m.validFrom())
                        + "] "
                        + Inert.quote(lines.clip(m.text()))
                        + "\n"));
    List<SourceRef> sources = m.provenance().sources();
    ContextItem item =
        new ContextItem(m.id().value(), ItemKind.FACT, m.text(), m.category(), score, 0, sources);
    return new Cand(item, r.line(), r.tokens(), rank);
  }

  List<Cand> session(Instant now) {
    List<Episode> episodes = ws.episodes();
    if (episodes.isEmpty() || policy.sessionTurns() == 0) {
      return List.of();
    }
    String session = request.sessionId();
    if (session == null) {
      Episode last = episodes.get(episodes.size() - 1);
      boolean active =
          last.sessionId() != null
              && !last.timestamp().isBefore(now.minus(policy.activeSessionWindow()));
      if (!active) {
        return List.of();
      }
      session = last.sessionId();
    }
    Set<String> inConversation = new HashSet<>();
    for (Message m : request.conversation()) {
      inConversation.add(m.id() != null ? m.id() : m.content());
    }
    List<Cand> out = new ArrayList<>();
    for (int i = episodes.size() - 1; i >= 0 && out.size() < policy.sessionTurns(); i--) {
      Episode e = episodes.get(i);
      if (!session.equals(e.sessionId())) {
        continue;
      }
      sessionIds.add(e.messageId());
      if (inConversation.contains(e.messageId()) || inConversation.contains(e.content())) {
        continue;
      }
      String line = "- [" + Lines.DATE.format(e.timestamp()) + "] " + utterance(e) + "\n";
      ContextItem item =
          new ContextItem(
              e.messageId(), ItemKind.EPISODE, e.content(), null, 0, 0, List.of(SourceRef.of(e)));
      Cand c = new Cand(item, line, lines.count(line), i);
      // The conversation in progress is usually in the prompt already; what only Attune can
      // add, the memories and messages that answer the request, is fitted first.
      c.deferred = true;
      out.add(c);
    }
    // Keep order is newest first (trimming drops the oldest); render order is chronological.
    return out;
  }

  List<Cand> history() {
    if (!hasQuery || !request.categories().isEmpty()) {
      return List.of();
    }
    List<Cand> out = new ArrayList<>();
    Set<String> covered = new HashSet<>(sessionIds);
    Set<String> shown = new HashSet<>();
    for (Hit hit : episodeHits) {
      Episode e = Objects.requireNonNull(hit.episode());
      if (covered.contains(e.messageId())) {
        continue;
      }
      if (out.size() >= policy.maxBlockItems()) {
        break;
      }
      Cand c = episodeCand(hit, e, out.size(), covered);
      // The same exchange said again (a question asked twice, a conversation an application sent
      // again under new ids) is shown once: a second copy costs the budget and tells nothing new.
      if (!shown.add(c.item.text())) {
        continue;
      }
      c.item.sources().forEach(w -> covered.add(w.messageId()));
      out.add(c);
    }
    return out;
  }

  /** The episode with its same-session neighbours, as the policy asks, oldest first. */
  private List<Episode> window(Episode e) {
    int at = ws.episodePosition(e.messageId());
    List<Episode> all = ws.episodes();
    List<Episode> window = new ArrayList<>();
    for (int i = Math.max(0, at - policy.windowBefore()); i < at; i++) {
      Episode n = all.get(i);
      if (Objects.equals(n.sessionId(), e.sessionId())) {
        window.add(n);
      }
    }
    window.add(e);
    for (int i = at + 1; i <= Math.min(all.size() - 1, at + policy.windowAfter()); i++) {
      Episode n = all.get(i);
      if (Objects.equals(n.sessionId(), e.sessionId())) {
        window.add(n);
      }
    }
    return window;
  }

  /**
   * A past message with its window, rendered once per working set; a long message shows only the
   * passage that matched.
   */
  private Cand episodeCand(Hit hit, Episode e, int rank, Set<String> covered) {
    int at = ws.episodePosition(e.messageId());
    List<Passages.Span> passages = ws.passages(at);
    List<Episode> window = window(e);
    // Neighbours a better-ranked item already shows are not shown twice.
    boolean trimmed = window.removeIf(n -> n != e && covered.contains(n.messageId()));
    Lines.WindowRender r =
        passages.size() > 1 || trimmed
            ? renderWindow(e, window, passages, hit.passage())
            : ws.memo(hit.doc(), d -> renderWindow(e, window, passages, 0));
    ContextItem item =
        new ContextItem(
            e.messageId(), ItemKind.EPISODE, r.text(), null, hit.score(), 0, r.sources());
    return new Cand(item, r.line(), r.tokens(), rank);
  }

  private Lines.WindowRender renderWindow(
      Episode hit, List<Episode> window, List<Passages.Span> passages, int passage) {
    StringBuilder line =
        new StringBuilder("- [").append(Lines.DATE.format(window.get(0).timestamp())).append("] ");
    StringBuilder text = new StringBuilder();
    List<SourceRef> sources = new ArrayList<>(window.size());
    for (int i = 0; i < window.size(); i++) {
      Episode e = window.get(i);
      if (i > 0) {
        line.append(" / ");
        text.append('\n');
      }
      if (e == hit && passages.size() > 1) {
        // The part of a long message that matched, marked as a part.
        Passages.Span span = passages.get(Math.min(passage, passages.size() - 1));
        String part =
            (span.start() > 0 ? "…" : "")
                + lines.clip(span.of(e.content()), policy.maxItemTokens())
                + (span.end() < e.content().length() ? "…" : "");
        line.append(speaker(e)).append(": ").append(Inert.quote(part));
        text.append(e.speaker() == null ? part : e.speaker() + ": " + part);
      } else {
        // The neighbours are context for the retrieved message: they get fewer tokens.
        line.append(utterance(e, e == hit ? policy.maxItemTokens() : policy.neighbourTokens()));
        text.append(e.indexText());
      }
      sources.add(SourceRef.of(e));
    }
    String rendered = line.append('\n').toString();
    return new Lines.WindowRender(
        rendered, lines.count(rendered), text.toString(), List.copyOf(sources));
  }

  private String utterance(Episode e) {
    return utterance(e, policy.maxItemTokens());
  }

  private String utterance(Episode e, int maxTokens) {
    return speaker(e) + ": " + Inert.quote(lines.clip(e.content(), maxTokens));
  }

  private String speaker(Episode e) {
    String who = e.speaker() != null ? Inert.name(e.speaker()) : e.role().wireName();
    return who.isEmpty() ? e.role().wireName() : who;
  }

  /**
   * Core facts shown with every request, relevant to the query or not: one current value per core
   * attribute (name, role, location...) and how the user wants to be answered. Everything else
   * (hobbies, events, most preferences) is topical and shown when retrieved.
   */
  static boolean alwaysShown(Memory m) {
    return m.category() == Category.COMMUNICATION_STYLE
        || (m.slot() != null && CORE_SLOTS.contains(m.slot()));
  }

  private static final Set<String> CORE_SLOTS =
      Set.of(
          "name",
          "age",
          "pronouns",
          "role",
          "employer",
          "location",
          "native_language",
          "answer_language",
          "answer_style");
}
