"""Summary fields: best effort on free text."""

from __future__ import annotations

import pytest

from ome_events.summary import summary_fields, summary_message


class TestSummaryFields:
    """The Key: value pairs of a summary."""

    def test_plain(self) -> None:
        """The specification's StreamCreated summary."""
        text = "Stream created. Id: 103, StreamType: Rtmp, SourceUrl: TCP://172.17.0.1:44004"
        assert dict(summary_fields(text)) == {
            "Id": "103",
            "StreamType": "Rtmp",
            "SourceUrl": "TCP://172.17.0.1:44004",
        }

    def test_empty_last_value(self) -> None:
        """StreamKey with nothing after it is an empty string."""
        text = (
            "PushPublishing started. Id: JwW9AM, Protocol: rtmp, Url: rtmp://h/app/x, StreamKey: "
        )
        assert summary_fields(text)["StreamKey"] == ""
        assert summary_fields(text)["Url"] == "rtmp://h/app/x"

    def test_urls_with_commas(self) -> None:
        """Commas inside a URL do not split it."""
        text = "X. Url: rtmp://h/app/a,b?x=1, 2, StreamKey: k"
        assert dict(summary_fields(text)) == {"Url": "rtmp://h/app/a,b?x=1, 2", "StreamKey": "k"}

    def test_no_fields(self) -> None:
        """A plain sentence has no fields."""
        assert dict(summary_fields("Server started.")) == {}
        assert summary_message("Server started.") == "Server started"

    def test_empty_middle_value(self) -> None:
        """An empty value in the middle keeps its key."""
        assert dict(summary_fields("M. A: , B: 2")) == {"A": "", "B": "2"}

    def test_first_of_repeated_key_wins(self) -> None:
        """A repeated key keeps its first value."""
        assert summary_fields("M. Id: 1, Id: 2")["Id"] == "1"

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("Stream created. Id: 103", "Stream created"),
            ("Id: 1, B: 2", ""),
            ("", ""),
        ],
    )
    def test_message(self, text: str, message: str) -> None:
        """The leading sentence, without the fields."""
        assert summary_message(text) == message
