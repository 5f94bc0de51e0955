"""Scenario files: schema, loading (extends, --set overrides), validation and error reporting."""

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loader import LoadedScenario, load, load_scenario, scenario_sha256

__all__ = ["LoadedScenario", "Problem", "ScenarioError", "load", "load_scenario", "scenario_sha256"]
