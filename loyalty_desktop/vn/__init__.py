"""Vietnam knowledge: text folding, phones, provinces (2025 merger), dates, gender, money."""
