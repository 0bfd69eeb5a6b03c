"""A text column in a dataframe: ColumnTransformer, polars and skrub

Real tables mix a text column with numbers and categories. A
:class:`~sklearn.compose.ColumnTransformer` sends each column to its own transformer;
:class:`~sklearn_w2v.Word2VecTransformer` takes the text column when it is selected by
its name as a string (a 1-D selection, as for ``TfidfVectorizer``), and
``set_output(transform="pandas")`` (or ``"polars"``) returns a dataframe with named
columns. The example also runs skrub's ``TableVectorizer``, which vectorizes a whole
table with a default per column kind, when skrub is installed.

The table is made from the Rotten Tomatoes reviews: the review text, and its length in
words as a numeric column next to it.

Run it with ``python examples/plot_dataframe_column.py`` (20 epochs, about 30 seconds
on 2 cores) or add ``--quick`` (5 epochs, about 10 seconds; the gallery page shows a quick
run). ``pip install polars skrub`` for the last two parts.
"""

# %%
# Quick or full run
# -----------------
import argparse

parser = argparse.ArgumentParser(description="A text column in a dataframe.")
parser.add_argument("--quick", action="store_true", help="fewer epochs")
QUICK = parser.parse_known_args()[0].quick
epochs = 5 if QUICK else 20

# %%
# A table with a text column
# --------------------------
import pandas as pd

from sklearn_w2v.datasets import load_rotten_tomatoes


def review_table(subset):
    reviews = load_rotten_tomatoes(subset=subset)
    table = {"review": reviews.data, "n_words": [len(t.split()) for t in reviews.data]}
    return table, reviews.target


train_columns, y_train = review_table("train")
test_columns, y_test = review_table("test")
train_df, test_df = pd.DataFrame(train_columns), pd.DataFrame(test_columns)
print(train_df.head(3).to_string(max_colwidth=60))

# %%
# ColumnTransformer with pandas output
# ------------------------------------
# ``"review"`` (a string) hands the transformer the column as a Series, one text per
# row; ``["n_words"]`` (a list) hands the scaler a one-column DataFrame. The reviews are
# a small corpus (237,000 words), hence a higher learning rate and a wider window than
# word2vec's defaults.
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_w2v import Word2VecTransformer

small_corpus = dict(epochs=epochs, learning_rate=0.05, window=10, random_state=0)
features = ColumnTransformer([
    ("text", Word2VecTransformer(**small_corpus), "review"),
    ("length", StandardScaler(), ["n_words"]),
]).set_output(transform="pandas")
pipe = make_pipeline(features, StandardScaler(), LogisticRegression(max_iter=2000))
accuracy = {"ColumnTransformer: word2vec(review) + n_words":
            pipe.fit(train_df, y_train).score(test_df, y_test)}
print(f"test accuracy {accuracy['ColumnTransformer: word2vec(review) + n_words']:.3f}")

# %%
# The fitted ColumnTransformer returns a DataFrame whose columns are named
# ``<transformer name>__<feature name>``:
table = features.transform(test_df.head(3))
print(type(table).__name__, table.shape)
print(table.iloc[:, [0, 1, -1]].round(3).to_string())

# %%
# polars in, polars out
# ---------------------
# The same ColumnTransformer fitted on a polars DataFrame, its output a polars
# DataFrame too (scikit-learn >= 1.4).
try:
    import polars as pl
except ImportError:
    pl = None
    print("polars is not installed: pip install polars")

if pl is not None:
    from sklearn.base import clone

    polars_features = clone(features).set_output(transform="polars")
    polars_table = polars_features.fit_transform(pl.DataFrame(train_columns))
    print(type(polars_table).__module__, type(polars_table).__name__, polars_table.shape)
    print(polars_table.select("text__word2vectransformer0", "length__n_words").head(3))

# %%
# skrub's TableVectorizer
# -----------------------
# ``TableVectorizer`` picks a transformer per column: numbers pass through, and a text
# column with many distinct values goes to its ``high_cardinality`` encoder (by default
# ``StringEncoder``, TF-IDF of character n-grams reduced to 30 dimensions by SVD).
try:
    import skrub
except ImportError:
    skrub = None
    print("skrub is not installed: pip install skrub")

if skrub is not None:
    vectorizer = skrub.TableVectorizer()
    pipe = make_pipeline(vectorizer, StandardScaler(), LogisticRegression(max_iter=2000))
    accuracy["skrub TableVectorizer (default)"] = pipe.fit(train_df, y_train).score(
        test_df, y_test)
    print("columns:", vectorizer.get_feature_names_out()[:3], "...",
          f"({len(vectorizer.get_feature_names_out())} in all)")
    print(f"test accuracy {accuracy['skrub TableVectorizer (default)']:.3f}")

# %%
# Word2VecTransformer as skrub's text encoder: skrub hands the transformers of
# ``specific_transformers`` (and its ``high_cardinality`` encoder) their column as a
# one-column DataFrame, shape (n, 1), which Word2VecTransformer reads as its text column.
if skrub is not None:
    vectorizer = skrub.TableVectorizer(specific_transformers=[
        (Word2VecTransformer(**small_corpus), ["review"])])
    pipe = make_pipeline(vectorizer, StandardScaler(), LogisticRegression(max_iter=2000))
    accuracy["skrub TableVectorizer + word2vec"] = pipe.fit(train_df, y_train).score(
        test_df, y_test)
    print(f"test accuracy {accuracy['skrub TableVectorizer + word2vec']:.3f}")

# %%
# Test accuracy of the pipelines above.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 0.8 + 0.6 * len(accuracy)))
ax.bar_label(ax.barh(list(accuracy), list(accuracy.values())), fmt="%.3f", padding=3)
ax.set_xlim(0.5, max(accuracy.values()) + 0.05)
ax.invert_yaxis()
ax.set_xlabel("test accuracy (Rotten Tomatoes)")
fig.tight_layout()
plt.show()
