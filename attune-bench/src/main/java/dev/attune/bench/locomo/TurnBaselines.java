package dev.attune.bench.locomo;

import dev.attune.core.port.Embedder;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
 * The raw-turn baselines, each over one conversation's turns as "speaker: text": BM25 (a Lucene
 * index with its English analyzer and default BM25 similarity), dense retrieval (LangChain4j's
 * InMemoryEmbeddingStore with the same local model Attune uses), and recency.
 */
final class TurnBaselines {
  private TurnBaselines() {}

  /** Ranks turn ids for a question. */
  interface Ranker {
    List<String> rank(String question, int k);
  }

  static Ranker bm25(List<Locomo.Turn> turns) {
    Analyzer analyzer = new EnglishAnalyzer();
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
      for (Locomo.Turn t : turns) {
        Document doc = new Document();
        doc.add(new StoredField("id", t.diaId()));
        doc.add(new TextField("text", text(t), Field.Store.NO));
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

  static Ranker dense(List<Locomo.Turn> turns, Embedder embedder, Map<String, float[]> vectors) {
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    List<Embedding> embeddings = new ArrayList<>();
    List<TextSegment> segments = new ArrayList<>();
    for (Locomo.Turn t : turns) {
      embeddings.add(Embedding.from(vectors.get(t.diaId())));
      segments.add(TextSegment.from(t.diaId()));
    }
    store.addAll(embeddings, segments);
    return (question, k) -> {
      Embedding q = Embedding.from(embedder.embed(question));
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

  static Ranker recency(List<Locomo.Turn> turns) {
    List<String> newestFirst = new ArrayList<>();
    for (int i = turns.size() - 1; i >= 0; i--) {
      newestFirst.add(turns.get(i).diaId());
    }
    return (question, k) -> newestFirst.subList(0, Math.min(k, newestFirst.size()));
  }

  /** What a turn costs and how it is indexed: "speaker: text". */
  static String text(Locomo.Turn t) {
    return t.speaker() + ": " + t.content();
  }
}
