------------------------------- MODULE MCraise -------------------------------
(* Raise-window model: the CI model's cookies with the netfs thread's raises *)
(* at the kernel's grain (RaiseWindow): acquire's NEW_CHILD, invalidate's    *)
(* INVALIDATE, update's UPDATE and relinquish's KILL each set the event bit  *)
(* in one step and test the object's event_mask and enqueue in the next,     *)
(* while the object's dispatcher may store its mask and re-read its events   *)
(* in between. What it checks is that no wake-up is lost: EventuallyClean.   *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "UpdateCookie", "ReadPage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
MC_RaiseWindow == TRUE
=============================================================================
