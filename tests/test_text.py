import re

import numpy as np
import pytest

from sklearn_w2v._text.analyzer import (
    DEFAULT_TOKEN_PATTERN,
    build_analyzer,
    check_documents,
    iter_token_lists,
)


def tokens_of(X, **analyzer_params):
    return list(iter_token_lists(X, build_analyzer(**analyzer_params)))


# --- build_analyzer ----------------------------------------------------------


def test_default_pattern_keeps_one_letter_words_and_lowercases():
    assert build_analyzer()("I saw a Cat, and I ran!") == [
        "i", "saw", "a", "cat", "and", "i", "ran",
    ]


def test_default_pattern_matches_its_literal_regex_on_tricky_text():
    # The default pattern is compiled to an equivalent faster regex; check
    # that the tokens are the same as the literal pattern's.
    text = "don't  x_y 3.14 naïve Ünïcode—dash \tα β\n__init__ a1b2 ' _ ..z"
    expected = re.findall(DEFAULT_TOKEN_PATTERN, text.lower())
    assert build_analyzer()(text) == expected
    assert "α" in expected and "_" in expected  # sanity: unicode and '_' kept


def test_lowercase_false_keeps_case():
    assert build_analyzer(lowercase=False)("The Cat") == ["The", "Cat"]


def test_callable_analyzer_gets_the_raw_text_and_bypasses_other_options():
    analyze = build_analyzer(
        analyzer=str.split, lowercase=True, preprocessor=str.upper,
        token_pattern="(a)(b)",  # would be invalid, but is not used
    )
    assert analyze("The  cat's hat") == ["The", "cat's", "hat"]


def test_callable_analyzer_receives_decoded_bytes():
    received = []

    def spy(doc):
        received.append(doc)
        return doc.split()

    analyze = build_analyzer(analyzer=spy, encoding="latin-1")
    assert analyze("café au lait".encode("latin-1")) == ["café", "au", "lait"]
    assert received == ["café au lait"]


def test_callable_analyzer_generator_output_becomes_a_list():
    analyze = build_analyzer(analyzer=lambda doc: (w for w in doc.split()))
    assert analyze("a b") == ["a", "b"]


def test_tokenizer_replaces_token_pattern_but_lowercasing_still_applies():
    analyze = build_analyzer(tokenizer=lambda text: text.split("|"))
    assert analyze("New York|Los Angeles") == ["new york", "los angeles"]


def test_preprocessor_replaces_lowercasing():
    analyze = build_analyzer(preprocessor=lambda text: text.replace("-", " "))
    assert analyze("Well-Known Fact") == ["Well", "Known", "Fact"]


def test_custom_token_pattern_and_single_capturing_group():
    assert build_analyzer(token_pattern=r"\w\w+")("a bb ccc") == ["bb", "ccc"]
    # With one group, findall returns the group, as in CountVectorizer.
    assert build_analyzer(token_pattern=r"#(\w+)")("x #tag y #two") == ["tag", "two"]
    assert build_analyzer(token_pattern=re.compile(r"[a-z]+"))("ab1cd") == ["ab", "cd"]


def test_two_capturing_groups_are_rejected():
    with pytest.raises(ValueError, match="capturing groups"):
        build_analyzer(token_pattern=r"(\w)(\w)")


def test_invalid_regex_is_a_value_error_naming_token_pattern():
    with pytest.raises(ValueError, match="token_pattern"):
        build_analyzer(token_pattern="(unclosed")


def test_bytes_are_decoded_with_encoding():
    latin1 = "Café Noël".encode("latin-1")
    assert build_analyzer(encoding="latin-1")(latin1) == ["café", "noël"]


def test_decode_error_strict_raises_and_ignore_or_replace_do_not():
    latin1 = "Café".encode("latin-1")  # b"Caf\xe9" is invalid utf-8
    with pytest.raises(UnicodeDecodeError):
        build_analyzer()(latin1)
    assert build_analyzer(decode_error="ignore")(latin1) == ["caf"]
    # U+FFFD is not a word character, so it splits nothing off here.
    assert build_analyzer(decode_error="replace")(latin1) == ["caf"]
    assert build_analyzer(decode_error="replace", token_pattern=r"\S+")(
        latin1
    ) == ["caf\ufffd"]


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_char_analyzers_are_rejected_with_a_reason(analyzer):
    with pytest.raises(ValueError, match="analyzer.*word2vec.*word tokens"):
        build_analyzer(analyzer=analyzer)


@pytest.mark.parametrize("analyzer", ["words", "", None, 3])
def test_unknown_analyzer_is_rejected(analyzer):
    with pytest.raises(ValueError, match="`analyzer`"):
        build_analyzer(analyzer=analyzer)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"encoding": "no-such-codec"}, "`encoding`"),
        ({"decode_error": "skip"}, "`decode_error`"),
    ],
)
def test_invalid_decoding_options(params, message):
    with pytest.raises(ValueError, match=message):
        build_analyzer(**params)


@pytest.mark.parametrize("name", ["tokenizer", "preprocessor"])
def test_non_callable_tokenizer_or_preprocessor(name):
    with pytest.raises(TypeError, match=f"`{name}`"):
        build_analyzer(**{name: "split"})


def test_tokenizer_returning_non_str_tokens_is_caught():
    analyze = build_analyzer(tokenizer=lambda text: [1, 2])
    with pytest.raises(TypeError, match="`tokenizer` returned a token of type int"):
        analyze("x")
    with pytest.raises(TypeError, match="`analyzer` must return a list"):
        build_analyzer(analyzer=lambda doc: None)("x")


def test_analyzer_called_on_a_non_text_document_raises_type_error():
    with pytest.raises(TypeError, match="NoneType"):
        build_analyzer()(None)


# --- check_documents ---------------------------------------------------------

POLARS_EXTRA = "polars is in the test-dataframes extra: pip install -e '.[test-dataframes]'"


@pytest.mark.parametrize("single", ["some text", b"some bytes"])
def test_single_string_is_rejected_with_the_fix(single):
    with pytest.raises(TypeError, match=r"single .*wrap it in a list: \[text\]"):
        check_documents(single)


def test_check_documents_names_the_parameter():
    with pytest.raises(TypeError, match="`raw_documents` is None"):
        check_documents(None, param_name="raw_documents")
    with pytest.raises(TypeError, match="`X` must be an iterable.*int"):
        check_documents(42)
    with pytest.raises(TypeError, match="`X` is a dict.*values"):
        check_documents({"a": "text"})


def test_check_documents_reads_one_column_tables_as_their_column():
    """ColumnTransformer (with a list of columns) and skrub's TableVectorizer pass an
    (n, 1) frame; scikit-learn's own text transformers are used so too."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"review": ["A b", "c"]}, index=[7, 3])
    assert list(check_documents(frame)) == ["A b", "c"]
    assert tokens_of(frame) == [["a", "b"], ["c"]]
    column = np.array([["A b"], ["c"]], dtype=object)
    assert check_documents(column).tolist() == ["A b", "c"]
    assert tokens_of(np.array([["A b"], ["c"]])) == [["a", "b"], ["c"]]


def test_one_column_polars_frame_and_series_are_documents():
    pl = pytest.importorskip("polars", reason=POLARS_EXTRA)
    frame = pl.DataFrame({"review": ["A b", "c"]})
    assert tokens_of(frame) == [["a", "b"], ["c"]]
    assert tokens_of(frame["review"]) == [["a", "b"], ["c"]]


def test_tables_of_several_columns_raise_the_error_that_names_the_fix():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"review": ["a b"], "stars": [3]})
    with pytest.raises(TypeError, match=r"`X` is a DataFrame with 2 columns \('review', "
                                        r"'stars'\).*Select the text column, e\.g\. "
                                        r"X\['review'\]"):
        check_documents(frame)
    with pytest.raises(TypeError, match=r"DataFrame with 0 columns"):
        check_documents(pd.DataFrame(index=[0, 1]))
    with pytest.raises(ValueError, match=r"shape \(2, 2\).*X\[:, 0\]"):
        check_documents(np.array([["a", "b"], ["c", "d"]], dtype=object))


def test_several_polars_columns_raise_the_error_not_a_document_error():
    """Iterating a polars frame yields its columns, which gave a message about missing
    documents ("Document 0 is of type Series")."""
    pl = pytest.importorskip("polars", reason=POLARS_EXTRA)
    with pytest.raises(TypeError, match=r"DataFrame with 2 columns \('review', 'stars'\)"):
        tokens_of(pl.DataFrame({"review": ["a b"], "stars": [3]}))


def test_check_documents_returns_its_input_and_does_not_consume_generators():
    docs = ["a"]
    assert check_documents(docs) is docs
    generator = (doc for doc in ["x y"])
    check_documents(generator)
    assert list(generator) == ["x y"]


# --- iter_token_lists --------------------------------------------------------


def test_pretokenized_documents_are_used_verbatim_and_detected_per_document():
    X = [["The", "CAT", "x-y"], "The CAT", ("Tuple", "Doc"), []]
    assert tokens_of(X) == [["The", "CAT", "x-y"], ["the", "cat"], ["Tuple", "Doc"], []]


def test_empty_documents_keep_their_slot():
    assert tokens_of(["", "a", "   ", b""]) == [[], ["a"], [], []]


def test_numpy_object_array_pandas_series_and_generator_inputs():
    pd = pytest.importorskip("pandas")
    docs = ["One two", "three"]
    expected = [["one", "two"], ["three"]]
    assert tokens_of(np.array(docs, dtype=object)) == expected
    assert tokens_of(np.array(docs)) == expected  # numpy str_ documents
    # A non-default index must not matter: documents are taken in order.
    assert tokens_of(pd.Series(docs, index=[10, 3])) == expected
    assert tokens_of(doc for doc in docs) == expected
    assert tokens_of(tuple(docs)) == expected


@pytest.mark.parametrize("bad_document, found", [
    (None, "missing (None, of type NoneType)"),
    (float("nan"), "missing (nan, of type float)"),
])
def test_missing_document_error_names_its_index_and_the_fix(bad_document, found):
    X = ["ok", "fine", "good", bad_document]
    with pytest.raises(TypeError) as info:
        tokens_of(X)
    message = str(info.value)
    assert f"Document 3 is {found}; expected a str, bytes or a list of str tokens" in message
    assert "fillna('')" in message and "fill_null('')" in message


@pytest.mark.parametrize("bad_document, found", [
    (7, "a number (7, of type int)"), (3.5, "a number (3.5, of type float)"),
    (np.int64(2), "a number (np.int64(2), of type int64)"),
])
def test_numbers_are_not_called_missing(bad_document, found):
    """A list of ints got the advice to fill missing documents, which does not apply."""
    with pytest.raises(TypeError) as info:
        tokens_of([bad_document, "text"])
    message = str(info.value)
    assert f"Document 0 is {found}; expected a str, bytes or a list of str tokens" in message
    assert "Numbers are not documents: is X the text column?" in message
    assert "missing" not in message.lower()


def test_a_column_as_a_document_says_to_pass_one_column():
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match=r"Document 0 is of type Series; expected .* pass "
                                        r"one column of text"):
        tokens_of([pd.Series(["a"]), "b"])
    with pytest.raises(TypeError, match=r"Document 1 is of type dict; .*Convert each "
                                        r"document to a str"):
        tokens_of(["a", {"text": "b"}])


def test_missing_values_of_pandas_and_polars_are_reported_as_missing():
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match=r"Document 1 is missing \(nan, of type float\)"):
        tokens_of(pd.Series(["a", np.nan]))
    with pytest.raises(TypeError, match=r"Document 1 is missing \(<NA>, of type NAType\)"):
        tokens_of(pd.Series(["a", None], dtype="string"))
    pl = pytest.importorskip("polars", reason=POLARS_EXTRA)
    with pytest.raises(TypeError, match=r"Document 1 is missing \(None.*fill_null"):
        tokens_of(pl.DataFrame({"review": ["a", None]}))


def test_pretokenized_document_with_non_str_token_names_document_and_token():
    message = "Document 1 is a list whose token 2 is of type int"
    with pytest.raises(TypeError, match=message):
        tokens_of([["a"], ["b", "c", 5]])


@pytest.mark.parametrize("analyzer", ["word", str.split])
def test_undecodable_document_error_names_its_index_and_the_fix(analyzer):
    X = ["fine", b"also fine", "Caf\u00e9".encode("latin-1"), b"never reached \xff"]
    with pytest.raises(UnicodeDecodeError) as info:
        tokens_of(X, analyzer=analyzer)
    message = str(info.value)
    assert "'utf-8' codec can't decode byte 0xe9 in position 3" in message
    assert "in document 2; pass decode_error='replace' or 'ignore'" in message
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value.__cause__, UnicodeDecodeError)
    assert info.value.object == b"Caf\xe9"
    assert (info.value.start, info.value.end) == (3, 4)


def test_errors_are_raised_lazily_after_the_valid_documents():
    token_lists = iter_token_lists(["a b", None], build_analyzer())
    assert next(token_lists) == ["a", "b"]
    with pytest.raises(TypeError, match="Document 1"):
        next(token_lists)


def test_iter_token_lists_validates_the_container():
    with pytest.raises(TypeError, match="wrap it in a list"):
        list(iter_token_lists("just one string", build_analyzer()))


def test_a_list_of_token_lists_is_yielded_as_is():
    X = [["a", "b"], [], [np.str_("numpy"), "str"]]
    token_lists = tokens_of(X)
    assert token_lists == X
    assert all(tokens is doc for tokens, doc in zip(token_lists, X))
    assert tokens_of(tuple(X)) == X


def test_a_bad_token_in_a_list_of_token_lists_is_reported_lazily_at_its_document():
    for bad_token, type_name in ((5, "int"), (b"bytes", "bytes"), (None, "NoneType")):
        X = [["a", "b"], ["c"], ["d", bad_token]]
        token_lists = iter_token_lists(X, build_analyzer())
        assert next(token_lists) == ["a", "b"]
        assert next(token_lists) == ["c"]
        message = f"Document 2 is a list whose token 1 is of type {type_name}"
        with pytest.raises(TypeError, match=message):
            next(token_lists)


def test_list_subclass_and_tuple_documents_are_yielded_as_plain_lists():
    class Tokens(list):
        pass

    token_lists = tokens_of([Tokens(["a"]), ("b", "c"), ["d"]])
    assert token_lists == [["a"], ["b", "c"], ["d"]]
    assert all(type(tokens) is list for tokens in token_lists)
