import re

from certificates.codes import (
    ALPHABET,
    RANDOM_BITS,
    check_character,
    generate_code,
    normalise_code,
)

SHAPE = re.compile(r"^WG-(?:[0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]$")


def test_codes_are_grouped_with_a_check_character_and_100_random_bits():
    code = generate_code()
    assert SHAPE.match(code), code
    payload = code.replace("-", "")[2:-1]
    assert len(payload) == 20
    assert RANDOM_BITS >= 100
    assert check_character(payload) == code[-1]


def test_the_alphabet_has_no_ambiguous_letters():
    assert len(ALPHABET) == 32
    for letter in "ILOU":
        assert letter not in ALPHABET


def test_codes_do_not_repeat():
    codes = {generate_code() for _ in range(2000)}
    assert len(codes) == 2000


def test_every_single_character_typo_is_caught():
    code = generate_code()
    positions = [i for i, c in enumerate(code) if c != "-"][2:]  # after "WG"
    for i in positions:
        for replacement in ALPHABET:
            if replacement == code[i]:
                continue
            typo = code[:i] + replacement + code[i + 1 :]
            assert normalise_code(typo) is None, typo


def test_swapped_neighbours_are_mostly_caught():
    caught = total = 0
    for _ in range(200):
        payload = generate_code().replace("-", "")[2:]
        for i in range(len(payload) - 1):
            if payload[i] == payload[i + 1]:
                continue
            swapped = payload[:i] + payload[i + 1] + payload[i] + payload[i + 2 :]
            total += 1
            caught += normalise_code("WG" + swapped) is None
    assert caught / total > 0.95


def test_typing_is_forgiving_about_case_spaces_and_look_alikes():
    code = generate_code()
    assert normalise_code(code.lower()) == code
    assert normalise_code(code.replace("-", " ")) == code
    assert normalise_code(code.replace("-", "")) == code
    if "0" in code[3:] or "1" in code[3:]:
        lookalike = "WG" + code[2:].replace("0", "O").replace("1", "l")
        assert normalise_code(lookalike) == code


def test_malformed_codes_are_refused_without_error():
    for raw in (
        "",
        "WG",
        "hello",
        "WG-" + "A" * 500,
        "XX-" + generate_code()[3:],
        None,
        42,
    ):
        assert normalise_code(raw) is None
