"""The model of the guide: the stage order, the glossary, reading YAML, and problems."""
