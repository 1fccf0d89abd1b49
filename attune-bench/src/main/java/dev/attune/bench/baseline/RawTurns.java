package dev.attune.bench.baseline;

import dev.attune.core.port.Embedder;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The raw-turn baselines every evaluation compares Attune with, each over one user's turns: BM25 (a
 * Lucene index with its English analyzer and default BM25 similarity), dense retrieval
 * (LangChain4j's InMemoryEmbeddingStore with the same local model Attune uses), recency, and the
 * reciprocal-rank fusion of BM25 and dense.
 */
public final class RawTurns {
  private RawTurns() {}

  /**
   * One raw turn.
   *
   * @param id its message id
   * @param text what is indexed and what it costs in a budget (e.g. "speaker: text")
   */
  public record Turn(String id, String text) {}

  /** Ranks turn ids for a question. */
  public interface Ranker {
    List<String> rank(String question, int k);
  }

  public static Ranker bm25(List<Turn> turns) {
    Analyzer analyzer = new EnglishAnalyzer();
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
      for (Turn t : turns) {
        Document doc = new Document();
        doc.add(new StoredField("id", t.id()));
        doc.add(new TextField("text", t.text(), Field.Store.NO));
        writer.addDocument(doc);
      }
      writer.commit();
      IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(dir));
      return (question, k) -> {
        try {
          BooleanQuery.Builder q = new BooleanQuery.Builder();
          for (String term : terms(analyzer, question)) {
            q.add(new TermQuery(new Term("text", term)), BooleanClause.Occur.SHOULD);
          }
          List<String> ids = new ArrayList<>();
          for (ScoreDoc hit : searcher.search(q.build(), k).scoreDocs) {
            ids.add(searcher.storedFields().document(hit.doc).get("id"));
          }
          return ids;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> terms(Analyzer analyzer, String text) throws IOException {
    LinkedHashSet<String> terms = new LinkedHashSet<>();
    try (TokenStream stream = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        terms.add(term.toString());
      }
      stream.end();
    }
    return new ArrayList<>(terms);
  }

  public static Ranker dense(List<Turn> turns, Embedder embedder, Map<String, float[]> vectors) {
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    List<Embedding> embeddings = new ArrayList<>();
    List<TextSegment> segments = new ArrayList<>();
    for (Turn t : turns) {
      embeddings.add(Embedding.from(vectors.get(t.id())));
      segments.add(TextSegment.from(t.id()));
    }
    store.addAll(embeddings, segments);
    return (question, k) -> {
      Embedding q = Embedding.from(embedder.embedQuery(question));
      List<String> ids = new ArrayList<>();
      for (EmbeddingMatch<TextSegment> m :
          store
              .search(
                  EmbeddingSearchRequest.builder()
                      .queryEmbedding(q)
                      .maxResults(k)
                      .minScore(0.0)
                      .build())
              .matches()) {
        ids.add(m.embedded().text());
      }
      return ids;
    };
  }

  public static Ranker recency(List<Turn> turns) {
    List<String> newestFirst = new ArrayList<>();
    for (int i = turns.size() - 1; i >= 0; i--) {
      newestFirst.add(turns.get(i).id());
    }
    return (question, k) -> newestFirst.subList(0, Math.min(k, newestFirst.size()));
  }

  /** Reciprocal rank fusion (k = 60) of two rankings, at most {@code depth} ids. */
  public static List<String> rrf(List<String> a, List<String> b, int depth) {
    Map<String, Double> score = new HashMap<>();
    for (int i = 0; i < a.size(); i++) {
      score.merge(a.get(i), 1.0 / (61 + i), Double::sum);
    }
    for (int i = 0; i < b.size(); i++) {
      score.merge(b.get(i), 1.0 / (61 + i), Double::sum);
    }
    List<String> ids = new ArrayList<>(score.keySet());
    ids.sort(Comparator.comparingDouble((String id) -> -score.get(id)).thenComparing(id -> id));
    return ids.subList(0, Math.min(depth, ids.size()));
  }

  /**
   * The turns a budget holds when filled in rank order: each turn that still fits is taken, one
   * that does not is passed over (a budget takes whole turns only).
   */
  public static List<Ranked> fill(List<Ranked> ranked, int budget) {
    List<Ranked> taken = new ArrayList<>();
    int sum = 0;
    for (Ranked r : ranked) {
      if (sum + r.tokens() <= budget) {
        sum += r.tokens();
        taken.add(r);
      }
    }
    return taken;
  }
}
