"""A LiteLLM callback loaded by the test proxy (``litellm_settings.callbacks``): it appends what the
mocked model was given (``input``, the messages after every pre-call guardrail) to the JSONL file
in RECORDER_FILE. Only successful model calls are recorded (a request refused before the model is
logged by LiteLLM's failure path instead), so a blocked request never shows up here."""

from __future__ import annotations

import json
import os
from typing import Any

from litellm.integrations.custom_logger import CustomLogger


class ModelInputRecorder(CustomLogger):
    async def async_log_success_event(self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any) -> None:
        record = {
            "call_id": kwargs.get("litellm_call_id"),
            "model": kwargs.get("model"),
            "input": kwargs.get("input"),
        }
        with open(os.environ["RECORDER_FILE"], "a") as f:
            f.write(json.dumps(record, default=str) + "\n")


recorder = ModelInputRecorder()
