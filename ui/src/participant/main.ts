// The participant page's entry: its own small bundle (participant.html), served by the room.
// It must never import the app's backend or @tauri-apps: the room's WebSocket is its only door.

import { mount } from "svelte";
import "../app.css";
import Participant from "./Participant.svelte";

const target = document.getElementById("room");
if (target) mount(Participant, { target });
