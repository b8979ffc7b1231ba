from __future__ import annotations

from wtforms import SelectField
from wtforms.fields import SelectChoice

from ..forms import Form

ALARM_CHOICES = [
    SelectChoice("", "Geen herinnering"),
    SelectChoice("15", "15 minuten van tevoren"),
    SelectChoice("30", "30 minuten van tevoren"),
    SelectChoice("60", "1 uur van tevoren"),
    SelectChoice("120", "2 uur van tevoren"),
    SelectChoice("1440", "1 dag van tevoren"),
]


class AlarmForm(Form):
    alarm_minutes = SelectField(
        "Herinnering in uw agenda", choices=ALARM_CHOICES, validate_choice=True
    )

    def minutes(self) -> int | None:
        value = self.alarm_minutes.data
        return int(value) if value else None
