"""Word queries, analogies and a 2-D map of word groups

A fitted :class:`~sklearn_w2v.Word2VecTransformer` answers the word queries of gensim's
``KeyedVectors``: nearest neighbours (``most_similar``), similarities, the odd one out,
analogies by vector arithmetic. :mod:`sklearn_w2v.evaluation` scores analogy questions
with the protocol of word2vec's ``compute-accuracy`` (as gensim does). This example fits
word2vec on the sample corpus shipped with the package (public-domain books and WordNet
glosses), asks it questions, evaluates it on a small analogy set written by the script,
and draws a few groups of words in the plane of their two first principal components.

Run it with ``python examples/plot_word_queries.py`` (the whole 4.7-million-word
corpus, 5 epochs, about 1.5 minutes on 2 cores) or add ``--quick`` (60,000 lines, 3
epochs, about 15 seconds; the gallery page shows a quick run).
"""

# %%
# Quick or full run
# -----------------
import argparse

parser = argparse.ArgumentParser(description="Word queries, analogies and a 2-D map.")
parser.add_argument("--quick", action="store_true", help="a part of the corpus")
QUICK = parser.parse_known_args()[0].quick
n_lines, epochs = (60_000, 3) if QUICK else (None, 5)

# %%
# Fit word vectors
# ----------------
# ``n_jobs=-1`` trains with one worker process per CPU: worth it for the whole corpus;
# on the quick run's 60,000 lines the workers' start costs about what they save.
from sklearn_w2v import Word2VecTransformer
from sklearn_w2v.datasets import load_sample_corpus

corpus = load_sample_corpus(n_lines=n_lines)
model = Word2VecTransformer(epochs=epochs, random_state=0, n_jobs=1 if QUICK else -1)
model.fit(corpus)
print(f"{len(corpus):,} lines, {model.corpus_word_count_:,} words; "
      f"{len(model.vocabulary_):,} word vectors in {model.training_seconds_:.1f} s")

# %%
# Nearest neighbours and similarities
# -----------------------------------
# Cosine similarity of the input vectors (``model.embedding_``), as in gensim.
for word in ["king", "three", "red", "january", "ship", "love"]:
    neighbours = ", ".join(f"{w} ({s:.2f})" for w, s in model.most_similar(word, topn=5))
    print(f"{word:>8}: {neighbours}")

for a, b in [("king", "queen"), ("king", "ship"), ("father", "mother"), ("red", "seven")]:
    print(f"similarity({a!r}, {b!r}) = {model.similarity(a, b):.3f}")
print("odd one out of breakfast, lunch, dinner, ship:",
      model.doesnt_match(["breakfast", "lunch", "dinner", "ship"]))
print("vector of 'king':", model["king"][:4].round(3), "...", "'kingg' in model:",
      "kingg" in model)

# %%
# Analogies by vector arithmetic
# ------------------------------
# "man is to king as woman is to ?": the word nearest to king - man + woman (3CosAdd,
# ``most_similar``) or by the multiplicative objective 3CosMul (``most_similar_cosmul``,
# Levy & Goldberg 2014).
for a, b, c in [("man", "king", "woman"), ("go", "went", "come"),
                ("england", "english", "france")]:
    add = model.most_similar(positive=[b, c], negative=[a], topn=3)
    mul = model.most_similar_cosmul(positive=[b, c], negative=[a], topn=3)
    print(f"{a} : {b} :: {c} : ?   3CosAdd {[w for w, _ in add]}   "
          f"3CosMul {[w for w, _ in mul]}")

# %%
# An analogy test set
# -------------------
# :func:`~sklearn_w2v.evaluation.evaluate_analogies` reads questions in the format of
# word2vec's ``questions-words.txt`` (``: section`` lines, then ``a b c d`` questions).
# The file is written here from a few word pairs per relation, every pair asked against
# every other, as that file is built. Questions with a word the model does not know are
# skipped and counted in ``coverage``.
import itertools
import tempfile
from pathlib import Path

from sklearn_w2v.evaluation import evaluate_analogies

relations = {
    "family": [("man", "woman"), ("king", "queen"), ("father", "mother"),
               ("son", "daughter"), ("brother", "sister"), ("husband", "wife"),
               ("boy", "girl"), ("he", "she"), ("his", "her"), ("prince", "princess")],
    "past tense": [("go", "went"), ("come", "came"), ("see", "saw"), ("give", "gave"),
                   ("take", "took"), ("know", "knew"), ("run", "ran"), ("speak", "spoke")],
    "plural": [("man", "men"), ("woman", "women"), ("child", "children"),
               ("horse", "horses"), ("hand", "hands"), ("king", "kings"),
               ("city", "cities"), ("day", "days")],
    "nationality": [("england", "english"), ("france", "french"), ("italy", "italian"),
                    ("germany", "german"), ("spain", "spanish"), ("greece", "greek"),
                    ("rome", "roman"), ("egypt", "egyptian")],
}
folder = tempfile.TemporaryDirectory()
questions = Path(folder.name) / "questions.txt"
with open(questions, "w", encoding="utf-8") as f:
    for relation, pairs in relations.items():
        f.write(f": {relation}\n")
        for (a, b), (c, d) in itertools.permutations(pairs, 2):
            f.write(f"{a} {b} {c} {d}\n")

result = evaluate_analogies(model, questions)
print(f"accuracy {result.accuracy:.1%} on {result.n_evaluated} of {result.n_questions} "
      f"questions (coverage {result.coverage:.0%})")
for relation, section in result.sections.items():
    print(f"  {relation:<12} {section['correct']:>3} / {section['total']:<3} "
          f"{section['accuracy']:.0%}")
folder.cleanup()

# %%
# A map of word groups
# --------------------
# The vectors of a few groups of words, projected on their two first principal
# components: words of a group gather, and the groups separate.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA

groups = {
    "numbers": ["two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "months": ["january", "february", "march", "april", "june", "july", "august"],
    "colours": ["red", "blue", "green", "yellow", "white", "black", "purple"],
    "family": ["father", "mother", "son", "daughter", "brother", "sister", "wife"],
    "animals": ["horse", "dog", "cat", "sheep", "lion", "cattle", "bird"],
}
words = [w for members in groups.values() for w in members if w in model]
vectors = np.array([model[w] for w in words])
vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)  # directions, as cosine sees
points = dict(zip(words, PCA(n_components=2, random_state=0).fit_transform(vectors)))

fig, ax = plt.subplots(figsize=(8, 6))
for (group, members), color in zip(groups.items(), plt.cm.tab10.colors):
    xy = np.array([points[w] for w in members if w in points])
    ax.scatter(xy[:, 0], xy[:, 1], color=color, label=group)
    for w in members:
        if w in points:
            ax.annotate(w, points[w], xytext=(3, 3), textcoords="offset points",
                        fontsize=8, color=color)
ax.set_xlabel("first principal component")
ax.set_ylabel("second principal component")
ax.set_title("Word vectors of five groups, unit length, projected by PCA")
ax.legend()
fig.tight_layout()
plt.show()
